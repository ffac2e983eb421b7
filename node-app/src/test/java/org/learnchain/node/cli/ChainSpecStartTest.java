package org.learnchain.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnchain.config.Genesis;
import org.learnchain.config.GenesisJson;
import org.learnchain.node.LearnchainNode;
import org.learnchain.node.cli.CliHarness.Run;

/**
 * {@code learnchain node} refuses, with one line and before it opens anything, a config whose p2p
 * frame cannot carry the chain's largest block and a genesis whose derived limits do not fit
 * (docs/chain-spec.md).
 */
class ChainSpecStartTest {
  private static final Map<String, String> ENV = Map.of("LEARNCHAIN_PASSWORD", "testnet-pass");

  private static Path init(Path dir) {
    assertEquals(
        0, CliHarness.run(ENV, "testnet", "init", "--nodes", "1", "--dir", dir.toString()).code());
    return dir.resolve("node0").resolve("config.toml");
  }

  @Test
  void defaultGenesisFitsTheDefaultFrame(@TempDir Path dir) {
    Path config = init(dir);
    Genesis g = GenesisJson.read(dir.resolve("genesis.json")).value();
    assertEquals(Optional.empty(), LearnchainNode.checkChainSpec(g, 16 << 20));
    assertTrue(LearnchainNode.checkChainSpec(g, (16 << 20) - 1).isPresent());
  }

  @Test
  void frameThatCannotCarryAMaximumBlockIsRefused(@TempDir Path dir) throws Exception {
    Path config = init(dir);
    Files.writeString(
        config, Files.readString(config).replace("[p2p]\n", "[p2p]\nmax-frame-bytes = 8388608\n"));
    Run r = CliHarness.run(ENV, "node", "--config", config.toString());
    assertEquals(1, r.code(), r.err());
    assertEquals(1, r.errLines().length, r.err());
    assertTrue(r.err().contains("p2p.max-frame-bytes"), r.err());
    assertTrue(r.err().contains("cannot carry a maximum-size block"), r.err());

    // The same limit from the environment is refused the same way.
    Files.writeString(config, Files.readString(config).replace("max-frame-bytes = 8388608\n", ""));
    Map<String, String> env = new HashMap<>(ENV);
    env.put("LEARNCHAIN_P2P_MAX_FRAME_BYTES", "4194304");
    Run fromEnv = CliHarness.run(env, "node", "--config", config.toString());
    assertEquals(1, fromEnv.code(), fromEnv.err());
    assertTrue(fromEnv.err().contains("cannot carry a maximum-size block"), fromEnv.err());
  }

  @Test
  void genesisWhoseBlockCannotFitAnyFrameIsRefused(@TempDir Path dir) throws Exception {
    Path config = init(dir);
    Path genesis = dir.resolve("genesis.json");
    String text = Files.readString(genesis);
    int end = text.lastIndexOf('}');
    Files.writeString(
        genesis,
        text.substring(0, end).stripTrailing()
            + ",\n  \"spec\": {\"maxBlockBytes\": 33554432}\n}\n");
    Run r = CliHarness.run(ENV, "node", "--config", config.toString());
    assertEquals(1, r.code(), r.err());
    assertEquals(1, r.errLines().length, r.err());
    assertTrue(r.err().contains("spec.maxBlockBytes"), r.err());
    assertTrue(r.err().contains("above the largest frame a node allows"), r.err());
  }
}
