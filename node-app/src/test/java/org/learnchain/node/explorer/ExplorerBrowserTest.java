package org.learnchain.node.explorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.learnchain.crypto.Hash;
import org.learnchain.proto.api.BlockView;
import org.learnchain.proto.api.GetBlockRequest;
import org.learnchain.proto.api.NodeServiceGrpc;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The explorer in a real browser: two real nodes (testnet init files, RocksDB, Netty, DL4J, gRPC)
 * with short rounds; Debian's headless Chromium, driven by Selenium through Debian's chromedriver,
 * opens node 0's page before a problem is funded, sees the useful-work block arrive over the event
 * stream, opens its detail and finds the model hash the gRPC API gives. Bad requests get JSON
 * errors and nothing on the port accepts a write. The screenshot stays in {@code
 * target/explorer-browser/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExplorerBrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private LiveTestnet net;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  void start() throws Exception {
    net = new LiveTestnet(2, "2500,1500,1500,400");
  }

  @AfterAll
  void stop() throws Exception {
    if (net != null) {
      net.close();
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(net.explorerUrl(0) + path.substring(1)))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private void assertError(int status, String path, String fragment) throws Exception {
    HttpResponse<String> r = get(path);
    assertEquals(status, r.statusCode(), path + " -> " + r.body());
    assertTrue(
        r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), path);
    JsonObject o = JsonParser.parseString(r.body()).getAsJsonObject();
    assertEquals(status, o.get("status").getAsInt());
    assertTrue(o.get("error").getAsString().contains(fragment), path + " -> " + r.body());
  }

  @Test
  void badRequestsGetJsonErrorsAndNothingCanWrite() throws Exception {
    assertEquals(200, get("/api/status").statusCode());
    assertEquals(200, get("/openapi.json").statusCode());
    JsonParser.parseString(get("/openapi.json").body()).getAsJsonObject().get("paths");
    assertError(404, "/api/blocks/999999999", "no block at height 999999999");
    assertError(404, "/api/blocks/" + "ab".repeat(32), "no block " + "ab".repeat(32));
    assertError(400, "/api/blocks/12abc", "height (a number) or its hash");
    assertError(400, "/api/blocks/-1", "height (a number) or its hash");
    assertError(404, "/api/blocks/0/model", "carries no model");
    assertError(400, "/api/blocks?count=1000", "count must be 1..100");
    assertError(400, "/api/blocks?from=x", "from must be a height");
    assertError(400, "/api/blocks?colour=red", "unknown parameter 'colour'");
    assertError(400, "/api/problems/xyz", "a problem id is 64 hex characters");
    assertError(404, "/api/problems/" + "cd".repeat(32), "no problem");
    assertError(400, "/api/accounts/zz", "an address is 40 hex characters");
    assertError(400, "/api/blocks/%2e%2e/secret", "malformed path");
    assertError(404, "/api/nothing", "no resource");
    assertError(404, "/wp-admin.php", "no page");
    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(URI.create(net.explorerUrl(0) + "api/status"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode());
    assertTrue(post.body().contains("read-only"), post.body());
  }

  @Test
  void aUsefulBlockAppearsLiveAndItsModelHashMatchesTheGrpcApi() throws Exception {
    assertTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "the browser test needs Debian's chromium and chromium-driver: "
            + "apt-get install chromium chromium-driver (.ci/run installs them when missing)");
    Path out = Path.of("target", "explorer-browser");
    Files.createDirectories(out);
    Path profile = Files.createTempDirectory("learnchain-chromium");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .withLogFile(out.resolve("chromedriver.log").toFile())
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", net.grpcPort(0)).usePlaintext().build();
    try {
      driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
      JavascriptExecutor js = driver;
      driver.get(net.explorerUrl(0));
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
      wait.until(d -> js.executeScript("return window.explorerReadyMs") != null);
      wait.until(d -> d.findElement(By.id("stream-state")).getText().equals("live"));
      double loadMs =
          ((Number)
                  js.executeScript(
                      "const n = performance.getEntriesByType('navigation')[0];"
                          + " return n.loadEventEnd - n.startTime;"))
              .doubleValue();
      double readyMs = ((Number) js.executeScript("return window.explorerReadyMs")).doubleValue();
      // The live view re-renders the round panel as events arrive: look the element up afresh.
      Boolean phaseShown =
          new WebDriverWait(driver, Duration.ofSeconds(10))
              .ignoring(StaleElementReferenceException.class)
              .until(d -> d.findElement(By.id("phase")).isDisplayed());
      assertTrue(phaseShown, "the round panel is shown");

      // Funded only now: the block can only reach the page through the event stream.
      Hash problem = net.fundIris(1_000);
      // Read in one script: the live view re-renders as events arrive, so elements go stale.
      @SuppressWarnings("unchecked")
      List<Object> found =
          new WebDriverWait(driver, Duration.ofSeconds(150), Duration.ofMillis(50))
              .until(
                  d ->
                      (List<Object>)
                          js.executeScript(
                              "const li = document.querySelector("
                                  + "'#recent-blocks li[data-kind=useful][data-source=live]');"
                                  + " return li ? [li.dataset.height, li.dataset.hash] : null;"));
      long height = Long.parseLong((String) found.get(0));
      String hash = (String) found.get(1);
      long shownAtMs =
          ((Number) js.executeScript("return window.explorerShown[arguments[0]]", hash))
              .longValue();
      @SuppressWarnings("unchecked")
      List<Object> events =
          (List<Object>)
              js.executeScript(
                  "return [...document.querySelectorAll('#event-log li')].map(li =>"
                      + " li.textContent);");
      assertTrue(
          events.stream().anyMatch(e -> ((String) e).contains("model commit from")),
          "commits were shown live: " + events);

      BlockView grpc =
          NodeServiceGrpc.newBlockingStub(channel)
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .getBlock(GetBlockRequest.newBuilder().setHeight(height).build());
      String grpcModelHash = HexFormat.of().formatHex(grpc.getModelHash().toByteArray());
      assertEquals(hash, HexFormat.of().formatHex(grpc.getHash().toByteArray()));
      long latencyMs = shownAtMs - grpc.getTimestampMs();

      // The live view re-renders as events arrive: find the link afresh until a click lands.
      wait.ignoring(StaleElementReferenceException.class)
          .until(
              d -> {
                d.findElement(By.cssSelector("#recent-blocks a[href='#/block/" + height + "']"))
                    .click();
                return true;
              });
      WebElement modelHash = wait.until(d -> d.findElement(By.id("block-model-hash")));
      assertEquals(grpcModelHash, modelHash.getText());
      assertEquals(Long.toString(height), driver.findElement(By.id("block-height")).getText());
      assertTrue(
          driver
              .findElement(By.cssSelector("a[download]"))
              .getAttribute("href")
              .endsWith("/model"));
      Files.write(
          out.resolve("useful-block.png"),
          ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));

      driver.get(net.explorerUrl(0) + "#/problem/" + problem.toHex());
      wait.until(d -> d.findElement(By.id("problem-state")).getText().equals("solved"));
      assertTrue(
          driver.findElements(By.cssSelector("#leaderboard tr")).size() >= 2,
          "the leaderboard lists the ranked miner");
      driver.get(net.explorerUrl(0));
      wait.until(d -> js.executeScript("return window.explorerReadyMs") != null);
      Files.write(
          out.resolve("live.png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));

      String report =
          String.format(
              "explorer browser test: page load %.0f ms (first data rendered %.0f ms);"
                  + " useful block %d made -> shown %d ms; model %s",
              loadMs, readyMs, height, latencyMs, grpcModelHash);
      System.out.println(report);
      Files.writeString(out.resolve("timings.txt"), report + "\n");
      assertTrue(latencyMs >= 0 && latencyMs < 30_000, report);
    } finally {
      driver.quit();
      channel.shutdownNow();
      org.learnchain.node.support.Directories.deleteRecursively(profile);
    }
  }
}
