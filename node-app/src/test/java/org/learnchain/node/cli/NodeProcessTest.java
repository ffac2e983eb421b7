package org.learnchain.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnchain.ml.MlRuntime;
import org.learnchain.node.LearnchainNode;
import org.learnchain.node.NodeOptions;
import org.learnchain.node.cli.CliHarness.Run;
import org.learnchain.node.cli.node.NodeLauncher;

/**
 * {@code learnchain node} as an operator runs it: a separate JVM started from {@code testnet init}
 * files produces blocks, serves its API and Prometheus metrics on loopback, stops cleanly on
 * SIGTERM, and its database reopens at the head it had reached.
 */
class NodeProcessTest {
  private static final Map<String, String> ENV = Map.of("LEARNCHAIN_PASSWORD", "process-pass");

  @Test
  void aNodeProcessServesMetricsAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
    int base = Ports.freeBase(1);
    Run init =
        CliHarness.run(
            ENV,
            "testnet",
            "init",
            "--nodes",
            "1",
            "--dir",
            dir.toString(),
            "--base-port",
            Integer.toString(base),
            "--round-ms",
            "2000,1000,1000,300");
    assertEquals(0, init.code(), init.err());
    Path config = dir.resolve("node0").resolve("config.toml");
    Path log = dir.resolve("node.log");
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "org.learnchain.node.cli.LearnchainCommand",
                "node",
                "--config",
                config.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().putAll(ENV);
    pb.environment().put("OMP_NUM_THREADS", "1");
    Process p = pb.start();
    String grpc = "127.0.0.1:" + (base + 1);
    long observed;
    try {
      assertTrue(
          waitFor(() -> Files.readString(log).contains("node running"), 90_000),
          "the node started: " + tail(log));
      assertTrue(
          waitFor(() -> height(grpc) >= 3, 60_000), "the lone node made blocks: " + tail(log));
      observed = height(grpc);

      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> metrics =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (base + 2) + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, metrics.statusCode());
      String body = metrics.body();
      for (String name :
          List.of(
              "chain_height ",
              "chain_finalized_height ",
              "consensus_round_phase{phase=\"idle\"}",
              "consensus_round_commits ",
              "consensus_round_duration_seconds_count",
              "ml_verification_seconds_count",
              "p2p_peers ",
              "p2p_bytes_in_bytes_total",
              "p2p_bytes_out_bytes_total",
              "ledger_mempool_transactions ",
              "ml_training_samples_per_second ",
              "ledger_rewards_paid_units_total")) {
        assertTrue(body.contains(name), name + " missing from /metrics");
      }
      HttpResponse<String> health =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (base + 2) + "/health"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode());
    } finally {
      p.destroy(); // SIGTERM
    }
    assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "stopped within 60 s");
    // 143 = killed by SIGTERM after the shutdown hooks ran.
    assertEquals(143, p.exitValue(), tail(log));
    String out = Files.readString(log);
    assertTrue(out.contains("Node stopped"), "the shutdown hook stopped the node: " + tail(log));
    assertTrue(out.indexOf("Consensus processor stopped") < out.indexOf("Node stopped"));

    // The database reopens (schema, head, state root checked at open) at or past what we saw.
    var prepared = NodeLauncher.prepare(config, Map.of(), null, ENV).value();
    LearnchainNode again =
        new LearnchainNode(
            prepared.config(),
            prepared.genesis(),
            prepared.key(),
            MlRuntime.start(1),
            new SimpleMeterRegistry(),
            prepared.token(),
            NodeOptions.production().withShutdownHook(false).withGrpc(false));
    try {
      assertTrue(again.store().head().height() >= observed);
    } finally {
      again.stop();
    }
  }

  private static long height(String grpc) {
    Run r = CliHarness.run("admin", "status", "--node", grpc, "--json", "--timeout", "2");
    return r.code() == 0
        ? JsonParser.parseString(r.out().trim()).getAsJsonObject().get("height").getAsLong()
        : -1;
  }

  private static String tail(Path log) {
    try {
      String s = Files.readString(log);
      return s.substring(Math.max(0, s.length() - 3000));
    } catch (java.io.IOException e) {
      return "(no log: " + e + ")";
    }
  }

  interface Check {
    boolean ok() throws Exception;
  }

  private static boolean waitFor(Check c, long ms) throws Exception {
    long until = System.currentTimeMillis() + ms;
    while (System.currentTimeMillis() < until) {
      if (c.ok()) {
        return true;
      }
      Thread.sleep(200);
    }
    return c.ok();
  }
}
