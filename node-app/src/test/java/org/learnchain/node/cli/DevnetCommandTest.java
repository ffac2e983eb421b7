package org.learnchain.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnchain.node.cli.CliHarness.Run;

/**
 * {@code learnchain devnet}: four real nodes (RocksDB, Netty on loopback, DL4J) in this JVM produce
 * the useful-work blocks asked for, every node verifies them, and all end at one head and state
 * root.
 */
class DevnetCommandTest {

  @Test
  void twoRoundsOnIrisGiveTwoVerifiedUsefulBlocksOnEveryNode(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("devnet");
    Run r =
        CliHarness.run(
            "devnet",
            "--rounds",
            "2",
            "--dataset",
            "iris",
            "--nodes",
            "4",
            "--dir",
            data.toString(),
            "--json");
    assertEquals(0, r.code(), r.err());
    JsonObject o = JsonParser.parseString(r.out().trim()).getAsJsonObject();
    JsonArray blocks = o.getAsJsonArray("blocks");
    assertEquals(2, blocks.size(), r.out());
    Set<Long> heights = new HashSet<>();
    for (JsonElement e : blocks) {
      JsonObject b = e.getAsJsonObject();
      heights.add(b.get("height").getAsLong());
      assertTrue(b.get("height").getAsLong() >= 2, "block 1 cannot be useful: no problem yet");
      assertEquals(40, b.get("winner").getAsString().length(), "an address");
      assertNotEquals(0, b.get("winnerNode").getAsInt(), "the submitter (node 0) never wins");
      double score = b.get("score").getAsDouble();
      assertTrue(score > 0.5 && score <= 1.0, "iris accuracy above a uniform guess: " + score);
      assertEquals(64, b.get("modelHash").getAsString().length());
      assertTrue(b.get("verifyMs").getAsLong() >= 0, "the submitter's node verified the model");
      assertEquals(4, b.get("verifiedBy").getAsInt(), "every node holds the block");
    }
    assertEquals(2, heights.size());
    assertTrue(o.get("agreed").getAsBoolean(), "one head and state root on every node");
    assertTrue(o.get("height").getAsLong() >= 3);
    assertEquals(64, o.get("stateRoot").getAsString().length());
    // Progress went to stderr (stdout is the JSON alone), and the data stayed where asked.
    assertTrue(r.err().contains("round "), r.err());
    assertTrue(r.err().contains("useful"), r.err());
    assertTrue(Files.exists(data.resolve("genesis.json")));
    for (int i = 0; i < 4; i++) {
      assertTrue(Files.isDirectory(data.resolve("node" + i).resolve("chain")));
    }
  }

  @Test
  void unknownDatasetIsAUsageError() {
    Run r = CliHarness.run("devnet", "--dataset", "cifar", "--rounds", "1");
    assertEquals(2, r.code());
    assertEquals(1, r.errLines().length, r.err());
    assertTrue(r.err().contains("unknown dataset 'cifar'"), r.err());
  }

  @Test
  void aNonEmptyDirectoryIsRefused(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("something"), "x");
    Run r = CliHarness.run("devnet", "--dataset", "iris", "--rounds", "1", "--dir", dir.toString());
    assertEquals(1, r.code());
    assertEquals(1, r.errLines().length, r.err());
    assertTrue(r.err().contains("is not empty"), r.err());
  }

  @Test
  void tooFewNodesIsAUsageError() {
    Run r = CliHarness.run("devnet", "--nodes", "1", "--rounds", "1");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--nodes must be 2..16"), r.err());
  }
}
