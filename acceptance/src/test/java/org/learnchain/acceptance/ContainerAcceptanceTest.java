package org.learnchain.acceptance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
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
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.learnchain.proto.api.NodeServiceGrpc;
import org.learnchain.proto.api.ProblemReply;
import org.learnchain.proto.api.ProblemRequest;
import org.learnchain.proto.api.ProblemServiceGrpc;
import org.learnchain.proto.api.StatusReply;
import org.learnchain.proto.api.StatusRequest;

/**
 * Issue 19: the image and the compose testnet, really built and run. Makes the local Debian base
 * image when the engine lacks it (docker/base-image.sh), builds the node image from it and a
 * Prometheus image from Debian's package, brings up compose.yaml's four nodes and Prometheus under
 * a project name of its own with every host port left to the engine, submits an iris problem from
 * the host with {@code bin/learnchain problem submit} through node 0's published gRPC port,
 * SIGKILLs node 2's container and starts it again, and checks that all four hold the same block at
 * every height ({@code admin blocks --json} through each node's published port) and that Prometheus
 * scrapes all four. Containers, network and volume go with {@code down -v} even on failure.
 * Skipped, saying why, where no container engine answers; .ci/run installs and starts one.
 */
class ContainerAcceptanceTest {
  static final String BASE_IMAGE =
      System.getProperty("learnchain.container.base", "learnchain-base:bookworm");
  static final String IMAGE = "learnchain:acceptance";
  static final String PROMETHEUS_IMAGE = "learnchain-prometheus:acceptance";
  static final String[] NODES = {"node0", "node1", "node2", "node3"};
  static final int GRPC = 30301;
  static final HexFormat HEX = HexFormat.of();

  /** Node JVMs as the process acceptance tests run them: four share two cores with the build. */
  static final String JAVA_OPTS = "-Xmx384m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

  static Path root;
  static Path logDir;
  static ContainerEngine engine;
  static String project;
  static boolean up;

  /** Why the test cannot run here (no engine), or null. */
  static String skipped;

  static final List<String> figures = new ArrayList<>();
  static final Map<String, ManagedChannel> channels = new LinkedHashMap<>();

  @BeforeAll
  static void engine() throws IOException {
    root = Cluster.root();
    logDir =
        Path.of(
                System.getProperty(
                    "learnchain.acceptance.logs",
                    root.resolve("acceptance/target/acceptance-logs").toString()))
            .resolve(ContainerAcceptanceTest.class.getSimpleName());
    Files.createDirectories(logDir);
    Files.deleteIfExists(logDir.resolve("commands.log"));
    ContainerEngine.Probe probe = ContainerEngine.probe(root, logDir.resolve("commands.log"));
    if (probe.engine() == null) {
      skipped =
          "ContainerAcceptanceTest SKIPPED: "
              + probe.description()
              + ". It needs a running Docker engine and compose; .ci/run installs docker.io,"
              + " docker-compose and debootstrap and starts dockerd.";
      System.out.println(skipped);
      return;
    }
    System.out.println("container test on " + probe.description());
    engine = probe.engine();
    project = "lcit" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 24);
    engine.env(
        "LEARNCHAIN_PASSWORD",
        "container-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    engine.env("LEARNCHAIN_IMAGE", IMAGE);
    engine.env("PROMETHEUS_IMAGE", PROMETHEUS_IMAGE);
    engine.env("LEARNCHAIN_ROUND_MS", "8000,5000,4000,4000");
    engine.env("LEARNCHAIN_JAVA_OPTS", JAVA_OPTS);
    // Empty host ports: the engine picks free ones, read back with `compose port`.
    for (int i = 0; i < NODES.length; i++) {
      engine.env("LEARNCHAIN_NODE" + i + "_GRPC", "");
      engine.env("LEARNCHAIN_NODE" + i + "_EXPLORER", "");
    }
    engine.env("PROMETHEUS_PORT", "");
    engine.env("GRAFANA_PORT", "");
  }

  @AfterAll
  static void down() throws IOException {
    channels.values().forEach(ManagedChannel::shutdownNow);
    if (engine == null) {
      return;
    }
    if (up) {
      ContainerEngine.Result logs =
          engine.compose(project, Duration.ofSeconds(120), "logs", "--no-color", "--timestamps");
      Files.writeString(logDir.resolve("compose.log"), logs.output());
    }
    // Always, even if `up` failed half-way: containers, the network and the testnet volume.
    ContainerEngine.Result r =
        engine.compose(
            project,
            Duration.ofSeconds(180),
            "down",
            "--volumes",
            "--remove-orphans",
            "--timeout",
            "10");
    System.out.println("compose down -v of " + project + ": exit " + r.exit());
    if (!figures.isEmpty()) {
      System.out.println("container figures: " + String.join("; ", figures));
    }
  }

  @Test
  void testnetInContainersSolvesAProblemAndSurvivesAKilledNode() throws Exception {
    Assumptions.assumeTrue(skipped == null, skipped);
    try {
      run();
    } catch (Throwable t) {
      if (up) {
        ContainerEngine.Result logs =
            engine.compose(project, Duration.ofSeconds(120), "logs", "--no-color", "--tail", "40");
        System.out.println("last lines of every service's log:\n" + logs.output());
      }
      throw t;
    }
  }

  private void run() throws Exception {
    if (!engine.imageExists(BASE_IMAGE)) {
      long t = System.nanoTime();
      ContainerEngine.check(
          engine.run(
              Duration.ofMinutes(10),
              List.of(root.resolve("docker/base-image.sh").toString(), BASE_IMAGE)));
      figure("base image made (debootstrap + import)", since(t));
    }
    long t = System.nanoTime();
    engine.build(BASE_IMAGE, "Dockerfile", ".", IMAGE);
    figure("node image built", since(t));
    figure(
        "node image size",
        engine
                .docker(Duration.ofSeconds(30), "image", "inspect", "--format", "{{.Size}}", IMAGE)
                .strip()
            + " bytes");
    t = System.nanoTime();
    engine.build(BASE_IMAGE, "docker/prometheus.Dockerfile", "docker", PROMETHEUS_IMAGE);
    figure("prometheus image built", since(t));

    long upAt = System.nanoTime();
    up = true;
    ContainerEngine.check(
        engine.compose(
            project,
            Duration.ofMinutes(5),
            "up",
            "-d",
            "--no-build",
            "node0",
            "node1",
            "node2",
            "node3",
            "prometheus"));
    figure("compose up returned", since(upAt));
    Duration meshed =
        Await.until(
            "all four nodes answering over their published gRPC ports with 3 peers each",
            Duration.ofMinutes(3),
            () ->
                statuses().values().stream()
                        .filter(s -> s.isPresent() && s.get().getPeers() == 3)
                        .count()
                    == 4,
            this::heads);
    figure("up to all four meshed", since(upAt));

    Path token = logDir.resolve("api.token");
    Files.writeString(
        token,
        ContainerEngine.check(
                engine.compose(
                    project,
                    Duration.ofSeconds(60),
                    "exec",
                    "-T",
                    "node0",
                    "cat",
                    "/testnet/node0/api.token"))
            .strip());
    Path train = logDir.resolve("train.csv");
    Path test = logDir.resolve("test.csv");
    splitIris(train, test);
    String submitted =
        cli(
            "problem",
            "submit",
            "--node",
            "127.0.0.1:" + hostPort("node0"),
            "--token-file",
            token.toString(),
            "--train",
            train.toString(),
            "--test",
            test.toString(),
            "--reward",
            "1000");
    // The id is stdout's one line; the summary on stderr comes with it here.
    Matcher idLine = Pattern.compile("(?m)^([0-9a-f]{64})$").matcher(submitted);
    assertTrue(idLine.find(), "problem submit printed a problem id: " + submitted);
    String id = idLine.group(1);
    ProblemReply[] solved = new ProblemReply[1];
    Await.until(
        "problem " + id.substring(0, 8) + " solved on node0",
        Duration.ofMinutes(2),
        () -> {
          solved[0] = problem("node0", id).orElse(null);
          return solved[0] != null && solved[0].getState().equals("solved");
        },
        () -> solved[0] == null ? "no answer" : solved[0].getState());
    figure(
        "up to the first useful block (problem solved at height " + solved[0].getHeight() + ")",
        since(upAt));
    String usefulHash = HEX.formatHex(solved[0].getBlockHash().toByteArray());

    // SIGKILL one container, let the others go on, start it again from its volume.
    long heightAtKill = status("node2").map(StatusReply::getHeight).orElse(-1L);
    ContainerEngine.check(
        engine.compose(project, Duration.ofSeconds(60), "kill", "-s", "SIGKILL", "node2"));
    forget("node2");
    long target = maxHeight() + 2;
    Await.until(
        "the three others make two blocks, to " + target,
        Duration.ofMinutes(1),
        () ->
            List.of("node0", "node1", "node3").stream()
                .allMatch(n -> status(n).map(s -> s.getHeight() >= target).orElse(false)),
        this::heads);
    long startAt = System.nanoTime();
    ContainerEngine.check(engine.compose(project, Duration.ofSeconds(60), "start", "node2"));
    forget("node2"); // its host port is a new one
    Await.until(
        "node2 answering again",
        Duration.ofMinutes(2),
        () -> status("node2").isPresent(),
        this::heads);
    Duration back = sameHead(Duration.ofSeconds(90));
    figure(
        "killed node2 (was at " + heightAtKill + ") restarted and at the common head",
        since(startAt));

    // Every block of every node, through the CLI and each node's published port.
    Map<String, Map<Long, String>> chains = new LinkedHashMap<>();
    long head = status("node0").orElseThrow().getHeight();
    for (String n : NODES) {
      chains.put(n, blocks(n, head));
    }
    Map<Long, String> reference = chains.get("node0");
    assertEquals(head + 1, reference.size(), "node0 lists every block from genesis to " + head);
    for (String n : NODES) {
      assertEquals(reference, chains.get(n), n + " holds node0's block at every height to " + head);
    }
    assertEquals(
        usefulHash,
        reference.get(solved[0].getHeight()),
        "the useful block is canonical on all four");

    String scraped =
        Await.until(
                    "Prometheus scraping all four nodes (sum(up) = 4)",
                    Duration.ofSeconds(90),
                    () -> "4".equals(prometheusScalar("sum(up{job=\"learnchain\"})")),
                    () -> String.valueOf(prometheusScalar("sum(up{job=\"learnchain\"})")))
                .toMillis()
            + " ms";
    figure("Prometheus sees 4 targets up after", scraped);
    System.out.println(
        "container testnet: "
            + (head + 1)
            + " blocks identical on 4 nodes; meshed after "
            + meshed.toMillis()
            + " ms of polling; node2 back in "
            + back.toMillis()
            + " ms");
  }

  // ------------------------------------------------------------------ helpers

  private static void figure(String what, Object value) {
    String s = what + ": " + (value instanceof Duration d ? d.toMillis() + " ms" : value);
    figures.add(s);
    System.out.println("container figure: " + s);
  }

  private static Duration since(long nanos) {
    return Duration.ofNanos(System.nanoTime() - nanos);
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    return lines[lines.length - 1].strip();
  }

  /** The iris CSV the repository ships, split 4:1 (every fifth row a test row). */
  private static void splitIris(Path train, Path test) throws IOException {
    List<String> lines =
        Files.readAllLines(
            root.resolve("ml-engine/src/main/resources/datasets/iris.csv"), StandardCharsets.UTF_8);
    List<String> a = new ArrayList<>(List.of(lines.get(0)));
    List<String> b = new ArrayList<>(List.of(lines.get(0)));
    for (int i = 1; i < lines.size(); i++) {
      if (!lines.get(i).isBlank()) {
        (i % 5 == 0 ? b : a).add(lines.get(i));
      }
    }
    Files.write(train, a, StandardCharsets.UTF_8);
    Files.write(test, b, StandardCharsets.UTF_8);
  }

  private static int hostPort(String node) {
    return engine.port(project, node, GRPC);
  }

  /** A channel to the node's published gRPC port, looked up again after a restart. */
  private static synchronized ManagedChannel channel(String node) {
    return channels.computeIfAbsent(
        node, n -> NettyChannelBuilder.forAddress("127.0.0.1", hostPort(n)).usePlaintext().build());
  }

  private static synchronized void forget(String node) {
    ManagedChannel c = channels.remove(node);
    if (c != null) {
      c.shutdownNow();
    }
  }

  private static Optional<StatusReply> status(String node) {
    try {
      return Optional.of(
          NodeServiceGrpc.newBlockingStub(channel(node))
              .withDeadlineAfter(5, TimeUnit.SECONDS)
              .getStatus(StatusRequest.getDefaultInstance()));
    } catch (StatusRuntimeException e) {
      // Not answering yet (starting, or killed): ask again at the next poll without backoff.
      ManagedChannel c = channels.get(node);
      if (c != null) {
        c.resetConnectBackoff();
      }
      return Optional.empty();
    } catch (AssertionError e) {
      // No published port: the container is not running.
      return Optional.empty();
    }
  }

  private static Map<String, Optional<StatusReply>> statuses() {
    Map<String, Optional<StatusReply>> out = new LinkedHashMap<>();
    for (String n : NODES) {
      out.put(n, status(n));
    }
    return out;
  }

  private static Optional<ProblemReply> problem(String node, String id) {
    try {
      return Optional.of(
          ProblemServiceGrpc.newBlockingStub(channel(node))
              .withDeadlineAfter(5, TimeUnit.SECONDS)
              .getProblem(
                  ProblemRequest.newBuilder()
                      .setProblemId(ByteString.copyFrom(HEX.parseHex(id)))
                      .build()));
    } catch (StatusRuntimeException | AssertionError e) {
      return Optional.empty();
    }
  }

  private static long maxHeight() {
    return statuses().values().stream()
        .flatMap(Optional::stream)
        .mapToLong(StatusReply::getHeight)
        .max()
        .orElse(-1);
  }

  /** Waits until the four report one head hash. */
  private Duration sameHead(Duration timeout) {
    return Await.until(
        "all four nodes at the same head",
        timeout,
        () -> {
          Set<String> heads = new LinkedHashSet<>();
          for (Optional<StatusReply> s : statuses().values()) {
            if (s.isEmpty()) {
              return false;
            }
            heads.add(HEX.formatHex(s.get().getHeadHash().toByteArray()));
          }
          return heads.size() == 1;
        },
        this::heads);
  }

  private String heads() {
    StringBuilder b = new StringBuilder();
    statuses()
        .forEach(
            (n, s) ->
                b.append(n)
                    .append('=')
                    .append(
                        s.map(
                                r ->
                                    r.getHeight()
                                        + "/"
                                        + HEX.formatHex(r.getHeadHash().toByteArray())
                                            .substring(0, 8)
                                        + " peers "
                                        + r.getPeers())
                            .orElse("-"))
                    .append("; "));
    return b.toString();
  }

  /** Runs the repository's {@code bin/learnchain} on the host; its stdout and stderr together. */
  private static String cli(String... args) {
    List<String> command = new ArrayList<>(List.of(root.resolve("bin/learnchain").toString()));
    command.addAll(List.of(args));
    return ContainerEngine.check(engine.run(Duration.ofSeconds(120), command));
  }

  /** Heights 0..{@code to} and their hashes, from {@code admin blocks --json} in pages of 100. */
  private static Map<Long, String> blocks(String node, long to) {
    Map<Long, String> out = new LinkedHashMap<>();
    for (long from = 0; from <= to; from += 100) {
      long count = Math.min(100, to - from + 1);
      String json =
          cli(
              "admin",
              "blocks",
              "--json",
              "--node",
              "127.0.0.1:" + hostPort(node),
              "--from",
              Long.toString(from),
              "--count",
              Long.toString(count));
      JsonArray arr = JsonParser.parseString(lastLine(json)).getAsJsonArray();
      for (JsonElement e : arr) {
        JsonObject o = e.getAsJsonObject();
        out.put(o.get("height").getAsLong(), o.get("hash").getAsString());
      }
    }
    return out;
  }

  /** The single value of an instant query, or null while Prometheus has none. */
  private static String prometheusScalar(String query) {
    try {
      int port = engine.port(project, "prometheus", 9090);
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:"
                                  + port
                                  + "/api/v1/query?query="
                                  + URLEncoder.encode(query, StandardCharsets.UTF_8)))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      JsonArray result =
          JsonParser.parseString(r.body())
              .getAsJsonObject()
              .getAsJsonObject("data")
              .getAsJsonArray("result");
      return result.isEmpty()
          ? null
          : result.get(0).getAsJsonObject().getAsJsonArray("value").get(1).getAsString();
    } catch (IOException | RuntimeException | AssertionError e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
