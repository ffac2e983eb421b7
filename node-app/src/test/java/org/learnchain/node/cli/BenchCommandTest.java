package org.learnchain.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnchain.node.cli.CliHarness.Run;

/** The bench commands run for real on a small scale and print the documented JSON fields. */
class BenchCommandTest {
  @Test
  void ledgerBenchPrintsItsFiguresAsJson(@TempDir Path dir) {
    Path db = dir.resolve("db");
    Run r =
        CliHarness.run(
            "bench",
            "ledger",
            "--json",
            "--accounts",
            "200",
            "--blocks",
            "2",
            "--txs",
            "50",
            "--threads",
            "1",
            "--dir",
            db.toString());
    assertEquals(0, r.code(), r.err());
    JsonObject o = JsonParser.parseString(r.out().trim()).getAsJsonObject();
    assertTrue(o.get("transfersPerSecond").getAsDouble() > 0, r.out());
    assertTrue(o.get("verifyPerSecond").getAsDouble() > 0, r.out());
    double ratio = o.get("ratio").getAsDouble();
    assertEquals(
        o.get("transfersPerSecond").getAsDouble() / o.get("verifyPerSecond").getAsDouble(),
        ratio,
        0.01);
    assertEquals(100, o.get("transfers").getAsLong());
    assertTrue(Files.isDirectory(db), "an explicit --dir is kept");
  }

  @Test
  void consensusBenchPrintsItsFiguresAsJson() {
    Run r = CliHarness.run("bench", "consensus", "--json", "--rounds", "5");
    assertEquals(0, r.code(), r.err());
    JsonObject o = JsonParser.parseString(r.out().trim()).getAsJsonObject();
    assertTrue(o.get("simulatedRounds").getAsLong() >= 5, r.out());
    assertTrue(o.get("roundsPerSecond").getAsDouble() > 0, r.out());
    assertTrue(o.get("usefulBlockVerifyMicros").getAsDouble() > 0, r.out());
    assertTrue(o.get("usefulBlockBytes").getAsInt() > 0, r.out());
  }

  @Test
  void consensusBenchRefusesZeroRounds() {
    Run r = CliHarness.run("bench", "consensus", "--rounds", "0");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--rounds must be >= 1"), r.err());
  }

  @Test
  void syncBenchCatchesALateNodeUpAndPrintsItsFigures(@TempDir Path dir) {
    Run r =
        CliHarness.run(
            "bench",
            "sync",
            "--json",
            "--blocks",
            "40",
            "--useful",
            "1",
            "--validators",
            "3",
            "--peers",
            "2",
            "--dir",
            dir.resolve("sync").toString());
    assertEquals(0, r.code(), r.err());
    JsonObject o = JsonParser.parseString(r.out().trim()).getAsJsonObject();
    assertTrue(o.get("agreed").getAsBoolean(), r.out());
    assertTrue(o.get("blocks").getAsLong() >= 40, r.out());
    assertTrue(o.get("usefulBlocks").getAsInt() >= 1, r.out());
    // The late node re-ran every useful-work block's model itself.
    assertEquals(o.get("usefulBlocks").getAsInt(), o.get("usefulReverified").getAsInt(), r.out());
    double sync = o.get("syncSeconds").getAsDouble();
    double chain = o.get("chainSeconds").getAsDouble();
    assertTrue(sync > 0 && chain > 0, r.out());
    assertEquals(sync / chain, o.get("ratio").getAsDouble(), 0.01);
    assertEquals(o.get("blocks").getAsLong() / sync, o.get("blocksPerSecond").getAsDouble(), 0.5);
  }

  @Test
  void syncBenchRefusesMorePeersThanValidators() {
    Run r = CliHarness.run("bench", "sync", "--validators", "2", "--peers", "3");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--peers"), r.err());
  }

  @Test
  void p2pBenchPrintsItsFiguresAsJson() {
    Run r =
        CliHarness.run(
            "bench",
            "p2p",
            "--json",
            "--blob-mib",
            "4",
            "--rounds",
            "1",
            "--warmup",
            "0",
            "--gossip-messages",
            "50");
    assertEquals(0, r.code(), r.err());
    JsonObject o = JsonParser.parseString(r.out().trim()).getAsJsonObject();
    double blob = o.get("blobMBps").getAsDouble();
    double tcp = o.get("tcpMBps").getAsDouble();
    assertTrue(blob > 0 && tcp > 0, r.out());
    assertEquals(blob / tcp, o.get("ratio").getAsDouble(), 0.01);
    assertTrue(o.get("gossipP99Ms").getAsDouble() >= o.get("gossipP50Ms").getAsDouble(), r.out());
    assertEquals(4L << 20, o.get("blobBytes").getAsLong());
    // The cipher suite and library come from the live TLS engine of the blob session.
    assertTrue(o.get("tls").getAsString().startsWith("TLSv1.3 TLS_"), r.out());
    assertTrue(o.get("blobCpuSecondsPerGB").getAsDouble() > 0, r.out());
  }

  @Test
  void mlBenchTrainsOnMnistAndPrintsItsFigures() {
    Run r = CliHarness.run("bench", "ml", "--json", "--budget", "5");
    assertEquals(0, r.code(), r.err());
    JsonObject o = JsonParser.parseString(r.out().trim()).getAsJsonObject();
    for (String field :
        new String[] {
          "testAccuracy",
          "trainSamplesPerSecond",
          "inferenceSamplesPerSecond",
          "hashGiBps",
          "rawSha256GiBps",
          "verifyFraction"
        }) {
      assertTrue(o.has(field), "missing " + field + " in " + r.out());
    }
    // Even five seconds of training on real MNIST beats guessing (0.1) by far.
    assertTrue(o.get("testAccuracy").getAsDouble() > 0.5, r.out());
    assertTrue(o.get("verifyFraction").getAsDouble() > 0, r.out());
  }

  @Test
  void ledgerBenchRefusesNonsenseSizes() {
    Run r = CliHarness.run("bench", "ledger", "--blocks", "0");
    assertEquals(2, r.code());
    assertEquals(1, r.errLines().length, r.err());
    assertFalse(r.err().contains("Exception"), r.err());
  }
}
