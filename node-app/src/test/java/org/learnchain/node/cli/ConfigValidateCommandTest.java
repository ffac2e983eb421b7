package org.learnchain.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnchain.config.Genesis;
import org.learnchain.config.GenesisJson;
import org.learnchain.config.Member;
import org.learnchain.config.NodeConfigLoader;
import org.learnchain.config.Role;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.node.cli.CliHarness.Run;

class ConfigValidateCommandTest {
  @TempDir Path dir;

  private String genesisJson() {
    byte[] seed = new byte[32];
    seed[3] = 1;
    Member m =
        new Member(
            PrivateKey.fromSeed(seed).publicKey(),
            Set.of(Role.MINER, Role.VALIDATOR, Role.SUBMITTER),
            1000,
            10);
    return GenesisJson.toJson(Genesis.withDefaults("cli-test", 0, List.of(m)));
  }

  @Test
  void validFilesPrintOk() throws IOException {
    Path toml =
        Files.writeString(
            dir.resolve("config.toml"), NodeConfigLoader.toToml(NodeConfigLoader.defaults(), dir));
    Path json = Files.writeString(dir.resolve("genesis.json"), genesisJson());
    for (Path f : new Path[] {toml, json}) {
      Run r = CliHarness.run("config", "validate", f.toString());
      assertEquals(0, r.code(), r.err());
      assertEquals("OK " + f + "\n", r.out());
      assertEquals("", r.err());
    }
  }

  @Test
  void brokenNodeConfigListsEveryProblemWithKeyAndLine() throws IOException {
    Path f =
        Files.writeString(
            dir.resolve("node.toml"),
            "log-level = \"loud\"\n[p2p]\nport = 70000\nbootnodes = [\"nohost\"]\n[grpc]\nprot = 1\n");
    Run r = CliHarness.run("config", "validate", f.toString());
    assertEquals(1, r.code());
    assertEquals("", r.out());
    assertEquals(
        List.of(
            f
                + ":1:1: log-level: unknown log level 'loud' (one of error, warn, info, debug, trace)",
            f + ":3:1: p2p.port: a port number must be in 0..65535, got 70000",
            f + ":4:1: p2p.bootnodes: 'nohost' is not HOST:PORT (no port)",
            f + ":6:1: grpc.prot: unknown key (did you mean 'port'?)"),
        Arrays.asList(r.errLines()));
  }

  @Test
  void environmentDoesNotLeakIntoValidation() throws IOException {
    Path f = Files.writeString(dir.resolve("node.toml"), "[p2p]\nport = 30400\n");
    Run r =
        CliHarness.run(
            Map.of("LEARNCHAIN_P2P_PORT", "not-a-port"), "config", "validate", f.toString());
    assertEquals(0, r.code(), r.err());
  }

  @Test
  void brokenGenesisNamesTheBadKey() throws IOException {
    Path f =
        Files.writeString(
            dir.resolve("genesis.json"),
            genesisJson()
                .replace("\"bountyBurnBps\": 1000", "\"bountyBurnBps\": 12000")
                .replace(
                    "\"maxTestSamples\": 10000",
                    "\"maxTestSamples\": 10000, \"maxTestSample\": 1"));
    Run r = CliHarness.run("config", "validate", f.toString());
    assertEquals(1, r.code());
    String[] lines = r.errLines();
    assertEquals(2, lines.length, r.err());
    assertTrue(
        lines[0].matches(
            Pattern.quote(f.toString())
                + ":\\d+:\\d+: rewards.bountyBurnBps: must be in 0..10000 basis points, got 12000"),
        lines[0]);
    assertTrue(
        lines[1].contains("limits.maxTestSample: unknown key (did you mean 'maxTestSamples'?)"),
        lines[1]);
  }

  @Test
  void kindIsSniffedFromContentWithoutAKnownExtension() throws IOException {
    Path genesis = Files.writeString(dir.resolve("chain.conf"), genesisJson());
    Path node = Files.writeString(dir.resolve("node.conf"), "[grpc]\nport = 1\n");
    assertEquals(
        "OK " + genesis + "\n", CliHarness.run("config", "validate", genesis.toString()).out());
    assertEquals("OK " + node + "\n", CliHarness.run("config", "validate", node.toString()).out());
    // A JSON file with a TOML extension is checked as TOML, and says so through the parser.
    Path wrong = Files.writeString(dir.resolve("wrong.toml"), genesisJson());
    Run r = CliHarness.run("config", "validate", wrong.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().startsWith(wrong + ":1:1: invalid TOML"), r.err());
  }

  @Test
  void unreadableOrInvalidFilesAreOneLine() throws IOException {
    Path missing = dir.resolve("missing.json");
    Path syntax = Files.writeString(dir.resolve("s.json"), "{\n  \"chainId\": \"x\",\n}\n");
    Path big = Files.writeString(dir.resolve("big.toml"), "#" + "x".repeat(1 << 20));
    String[][] cases = {
      {missing.toString(), missing + ": file not found"},
      // The column is the offending '}' itself (Jackson's token location).
      {syntax.toString(), syntax + ":3:1: invalid JSON: expected a key in double quotes"},
      {big.toString(), big + ": file is larger than 1 MiB"},
      {dir.toString(), dir + ": is a directory, not a file"},
    };
    for (String[] c : cases) {
      Run r = CliHarness.run("config", "validate", c[0]);
      assertEquals(1, r.code(), c[0]);
      assertEquals(1, r.errLines().length, r.err());
      assertTrue(r.err().startsWith(c[1]), r.err());
      assertEquals("", r.out());
    }
  }
}
