package org.learnchain.node.explorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.learnchain.node.support.Directories;

/**
 * The monitoring files against real software: Debian's {@code promtool check metrics} accepts every
 * node's /metrics, Debian's {@code prometheus} scrapes a running two-node testnet, and every query
 * of every panel in {@code monitoring/grafana/dashboards/learnchain.json} runs against it (the
 * instance variable matching all nodes); the core panels must return data. Grafana itself is not
 * installable here, so its provisioning files are checked as data.
 */
class PrometheusDashboardTest {
  static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  static final Path DASHBOARD = REPO.resolve("monitoring/grafana/dashboards/learnchain.json");
  static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  static final Path PROMTOOL = Path.of("/usr/bin/promtool");

  /** Panels that must show data on any running network, idle or not. */
  static final Set<String> CORE =
      Set.of(
          "Height",
          "Finalized height",
          "Peers",
          "Version",
          "Round",
          "Round phase",
          "Chain height",
          "Traffic",
          "Heap used",
          "CPU",
          "Threads",
          "Open file descriptors",
          "Calls by method and status");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void dashboardQueriesReturnDataFromARealPrometheusScrapingATestnet() throws Exception {
    assertTrue(
        Files.isExecutable(PROMETHEUS) && Files.isExecutable(PROMTOOL),
        "the monitoring test needs Debian's prometheus package (prometheus and promtool): "
            + "apt-get install prometheus (.ci/run installs it when missing)");
    JsonObject dashboard = JsonParser.parseString(Files.readString(DASHBOARD)).getAsJsonObject();
    checkDashboardShape(dashboard);
    checkProvisioning();

    Path tmp = Files.createTempDirectory("learnchain-prometheus-test");
    Process prometheus = null;
    try (LiveTestnet net = new LiveTestnet(2, "2500,1500,1500,400")) {
      // Some gRPC traffic, so that the API panels have calls to show.
      for (int i = 0; i < 3; i++) {
        get(net.explorerUrl(0) + "api/status");
      }
      org.learnchain.node.cli.LearnchainCommand.run(
          new org.learnchain.node.cli.common.CliContext(
              Map.of(),
              new java.io.PrintWriter(new java.io.StringWriter()),
              new java.io.PrintWriter(new java.io.StringWriter()),
              new org.learnchain.crypto.Keystore(10, new java.security.SecureRandom()),
              new java.security.SecureRandom()),
          "admin",
          "status",
          "--node",
          "127.0.0.1:" + net.grpcPort(0));
      for (int i = 0; i < net.nodes.size(); i++) {
        String metrics = get("http://127.0.0.1:" + net.metricsPort(i) + "/metrics");
        assertTrue(metrics.contains("learnchain_build_info{"), "build info on node " + i);
        assertTrue(metrics.contains("jvm_memory_used_bytes"), "JVM metrics on node " + i);
        assertTrue(metrics.contains("process_files_open_files"), "fd metrics on node " + i);
        // Kept with the test output, to read when a check fails.
        Files.createDirectories(Path.of("target", "monitoring"));
        Path file = Path.of("target", "monitoring", "node" + i + ".prom");
        Files.writeString(file, metrics);
        Process check =
            new ProcessBuilder(PROMTOOL.toString(), "check", "metrics")
                .redirectInput(file.toFile())
                .redirectErrorStream(true)
                .start();
        String report = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, check.exitValue(), "promtool check metrics on node " + i + ":\n" + report);
      }

      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Path config = tmp.resolve("prometheus.yml");
      Files.writeString(
          config,
          "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n"
              + "  - job_name: learnchain\n    static_configs:\n      - targets: ['127.0.0.1:"
              + net.metricsPort(0)
              + "', '127.0.0.1:"
              + net.metricsPort(1)
              + "']\n");
      prometheus =
          new ProcessBuilder(
                  PROMETHEUS.toString(),
                  "--config.file=" + config,
                  "--storage.tsdb.path=" + tmp.resolve("data"),
                  "--web.listen-address=127.0.0.1:" + port)
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve("prometheus.log").toFile())
              .start();
      String api = "http://127.0.0.1:" + port + "/api/v1/query?query=";
      long until = System.currentTimeMillis() + 60_000;
      int up = 0;
      while (System.currentTimeMillis() < until) {
        try {
          up =
              result(get(api + enc("sum(up)"))).size() == 1
                  ? (int)
                      Double.parseDouble(
                          result(get(api + enc("sum(up)")))
                              .get(0)
                              .getAsJsonObject()
                              .getAsJsonArray("value")
                              .get(1)
                              .getAsString())
                  : 0;
        } catch (java.io.IOException e) {
          up = 0; // not listening yet
        }
        if (up == 2) {
          break;
        }
        Thread.sleep(500);
      }
      assertEquals(
          2, up, "prometheus scrapes both nodes; log:\n" + tail(tmp.resolve("prometheus.log")));
      Thread.sleep(5_000); // a few scrapes, so that rate() has two samples in its window

      Map<String, Integer> rows = new LinkedHashMap<>();
      List<String> empty = new ArrayList<>();
      for (JsonObject panel : panels(dashboard)) {
        String title = panel.get("title").getAsString();
        for (JsonElement t : panel.getAsJsonArray("targets")) {
          String expr =
              t.getAsJsonObject()
                  .get("expr")
                  .getAsString()
                  .replace("$instance", ".*")
                  .replace("$__rate_interval", "15s");
          JsonObject reply = JsonParser.parseString(get(api + enc(expr))).getAsJsonObject();
          assertEquals(
              "success", reply.get("status").getAsString(), title + ": " + expr + " -> " + reply);
          int n = reply.getAsJsonObject("data").getAsJsonArray("result").size();
          rows.merge(title, n, Integer::sum);
          if (n == 0) {
            empty.add(title + ": " + expr);
          }
        }
      }
      System.out.println("dashboard panels and series returned: " + rows);
      for (String core : CORE) {
        assertTrue(rows.containsKey(core), "core panel missing from the dashboard: " + core);
        assertTrue(rows.get(core) > 0, "core panel " + core + " returned no data; empty: " + empty);
      }
    } finally {
      if (prometheus != null) {
        prometheus.destroy();
        if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
          prometheus.destroyForcibly();
        }
      }
      Directories.deleteRecursively(tmp);
    }
  }

  private static void checkDashboardShape(JsonObject d) {
    JsonArray inputs = d.getAsJsonArray("__inputs");
    assertEquals("DS_PROMETHEUS", inputs.get(0).getAsJsonObject().get("name").getAsString());
    assertEquals("prometheus", inputs.get(0).getAsJsonObject().get("pluginId").getAsString());
    List<String> vars = new ArrayList<>();
    d.getAsJsonObject("templating")
        .getAsJsonArray("list")
        .forEach(v -> vars.add(v.getAsJsonObject().get("name").getAsString()));
    assertTrue(vars.contains("instance"), "an instance variable: " + vars);
    List<String> rowsTitles = new ArrayList<>();
    for (JsonElement p : d.getAsJsonArray("panels")) {
      if (p.getAsJsonObject().get("type").getAsString().equals("row")) {
        rowsTitles.add(p.getAsJsonObject().get("title").getAsString());
      }
    }
    for (String want : List.of("Consensus", "ML", "Ledger", "P2P", "JVM")) {
      assertTrue(
          rowsTitles.stream().anyMatch(r -> r.startsWith(want)), want + " row: " + rowsTitles);
    }
    for (String stat : List.of("Height", "Finalized height", "Peers", "Version")) {
      assertTrue(
          panels(d).stream()
              .anyMatch(
                  p ->
                      p.get("title").getAsString().equals(stat)
                          && p.get("type").getAsString().equals("stat")),
          "stat panel " + stat);
    }
  }

  private static void checkProvisioning() throws Exception {
    Path prov = REPO.resolve("monitoring/grafana/provisioning");
    String ds = Files.readString(prov.resolve("datasources/prometheus.yaml"));
    assertTrue(ds.contains("type: prometheus") && ds.contains("url: http://prometheus:9090"), ds);
    String dash = Files.readString(prov.resolve("dashboards/learnchain.yaml"));
    assertTrue(dash.contains("path: /var/lib/grafana/dashboards"), dash);
    String compose = Files.readString(REPO.resolve("compose.yaml"));
    assertTrue(
        compose.contains("./monitoring/grafana/dashboards:/var/lib/grafana/dashboards"), compose);
    assertTrue(compose.contains("./monitoring/prometheus/prometheus.yml"), compose);
    assertTrue(
        Files.readString(REPO.resolve("monitoring/prometheus/prometheus.yml"))
            .contains("node3:30302"));
  }

  /** Every panel with queries, rows' nested panels included. */
  private static List<JsonObject> panels(JsonObject d) {
    List<JsonObject> out = new ArrayList<>();
    for (JsonElement e : d.getAsJsonArray("panels")) {
      JsonObject p = e.getAsJsonObject();
      if (p.has("targets")) {
        out.add(p);
      }
      if (p.has("panels")) {
        p.getAsJsonArray("panels").forEach(n -> out.add(n.getAsJsonObject()));
      }
    }
    return out;
  }

  private static JsonArray result(String body) {
    return JsonParser.parseString(body)
        .getAsJsonObject()
        .getAsJsonObject("data")
        .getAsJsonArray("result");
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String tail(Path log) throws java.io.IOException {
    if (!Files.exists(log)) {
      return "(no log)";
    }
    String s = Files.readString(log);
    return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
  }

  private String get(String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertFalse(r.statusCode() >= 500, url + " -> " + r.statusCode());
    return r.body();
  }
}
