package org.learnchain.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.fuzz.FuzzInputs;

/**
 * Fuzzes the node configuration reader on TOML file bytes: strict UTF-8 decoding then {@link
 * NodeConfigLoader#parse} (no environment, no command-line overrides). The contract checked: a
 * configuration or one-line problems, never an exception (a stack overflow included: the file is
 * read at node start and by {@code learnchain config validate}); and an accepted configuration
 * writes back ({@link NodeConfigLoader#toToml}) to TOML that loads as the same configuration.
 */
class NodeConfigLoaderFuzzTest {
  static final String SOURCE = "node0/config.toml";
  static final Path BASE = Path.of("/fuzz/node0");

  @FuzzTest(maxDuration = "3m")
  @DictionaryEntries({
    "data-dir",
    "genesis-file",
    "key-file",
    "api-token-file",
    "log-level",
    "[p2p]",
    "[grpc]",
    "[metrics]",
    "[ml]",
    "host",
    "port",
    "bootnodes",
    "enabled",
    "threads",
    "\"[::1]:30300\"",
    "\"127.0.0.1:30300\"",
    "\"\"\"",
    "'''",
    "[[",
    "{a=",
    "1979-05-27T07:32:00Z"
  })
  void parseGivesAConfigOrOneLineProblems(byte[] file) {
    ConfigResult<String> text = ConfigText.decode(file, SOURCE);
    if (!text.isValid()) {
      GenesisJsonFuzzTest.assertOneLineProblems(text);
      return;
    }
    ConfigResult<NodeConfig> parsed =
        NodeConfigLoader.parse(text.value(), SOURCE, BASE, Map.of(), Map.of());
    if (!parsed.isValid()) {
      GenesisJsonFuzzTest.assertOneLineProblems(parsed);
      return;
    }
    NodeConfig config = parsed.value();
    String written = NodeConfigLoader.toToml(config, BASE);
    ConfigResult<NodeConfig> again =
        NodeConfigLoader.parse(written, SOURCE, BASE, Map.of(), Map.of());
    assertTrue(again.isValid(), () -> again.describeProblems() + "\n" + written);
    assertEquals(config, again.value(), written);
  }

  static Map<String, byte[]> seeds() {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put(
        "full",
        utf8(
            """
            # a node
            data-dir = "db"
            genesis-file = "../genesis.json"
            key-file = "/etc/learnchain/node.key"
            api-token-file = "api.token"
            log-level = "debug"

            [p2p]
            host = "0.0.0.0"
            port = 31000
            bootnodes = ["10.0.0.2:31000", "[::1]:31010", "peer.example.org:31020"]

            [grpc]
            host = "127.0.0.1"
            port = 31001

            [metrics]
            enabled = false
            host = "::1"
            port = 31002

            [ml]
            threads = 2
            """));
    // Defaults resolved against BASE, not the working directory, so the seed is the same in every
    // checkout.
    NodeConfig defaults = NodeConfigLoader.parse("", SOURCE, BASE, Map.of(), Map.of()).value();
    seeds.put("written-defaults", utf8(NodeConfigLoader.toToml(defaults, BASE)));
    seeds.put("empty", new byte[0]);
    return seeds;
  }

  /** Inputs that once broke the contract, kept so that every test run replays them. */
  static Map<String, byte[]> regressions() {
    return Map.of("regression-nested-arrays-20000", nestedArrays(20_000));
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void seedsAreValidConfigsAndSaved() {
    for (byte[] seed : seeds().values()) {
      ConfigResult<NodeConfig> c =
          NodeConfigLoader.parse(
              new String(seed, StandardCharsets.UTF_8), SOURCE, BASE, Map.of(), Map.of());
      assertTrue(c.isValid(), c::describeProblems);
      parseGivesAConfigOrOneLineProblems(seed);
    }
    FuzzInputs.sync(getClass(), "parseGivesAConfigOrOneLineProblems", seeds());
    FuzzInputs.sync(getClass(), "parseGivesAConfigOrOneLineProblems", regressions());
  }

  /** A value nested {@code depth} arrays deep: a few thousand overflowed the stack inside tomlj. */
  static byte[] nestedArrays(int depth) {
    return utf8("data-dir = " + "[".repeat(depth) + "]".repeat(depth) + "\n");
  }

  @Test
  void deepNestingIsAProblemNotAStackOverflow() {
    for (String nested :
        List.of(
            new String(nestedArrays(20_000), StandardCharsets.UTF_8),
            "x = " + "{a=".repeat(5_000) + "1" + "}".repeat(5_000),
            "[ml]\nthreads = 2\n# " + "[".repeat(200))) {
      ConfigResult<NodeConfig> r = NodeConfigLoader.parse(nested, SOURCE, BASE, Map.of(), Map.of());
      assertFalse(r.isValid());
      assertTrue(
          r.problems().get(0).message().startsWith("more than 128 '[' and '{' characters"),
          r::describeProblems);
    }
    // Sixty IPv6 bootnodes, four tables and a commented-out array stay well within the budget.
    StringBuilder many = new StringBuilder("# bootnodes = []\n[p2p]\nbootnodes = [");
    for (int i = 0; i < 60; i++) {
      many.append(i == 0 ? "" : ", ").append("\"[::1]:").append(31000 + i).append('"');
    }
    many.append("]\n[grpc]\nport = 1\n[metrics]\nport = 2\n[ml]\nthreads = 1\n");
    ConfigResult<NodeConfig> r =
        NodeConfigLoader.parse(many.toString(), SOURCE, BASE, Map.of(), Map.of());
    assertTrue(r.isValid(), r::describeProblems);
    assertEquals(60, r.value().p2p().bootnodes().size());
  }

  @Test
  void aSyntaxErrorThatTomljThrowsIsAProblem() {
    ConfigResult<NodeConfig> r =
        NodeConfigLoader.parse("[ \"\\E\" ]\nport = 1\n", SOURCE, BASE, Map.of(), Map.of());
    assertFalse(r.isValid());
    ConfigProblem p = r.problems().get(0);
    assertEquals(1, p.line());
    assertTrue(p.message().startsWith("invalid TOML: Invalid escape sequence"), p.message());
  }

  /** Found by the fuzzer: tomlj 1.1.1 throws NullPointerException on this date-time offset. */
  @Test
  void aValueThatCrashesTomljIsAProblem() {
    ConfigResult<NodeConfig> r =
        NodeConfigLoader.parse(
            "[p2p]\nhost = 5672-05-27T07:32:05-00Z\n", SOURCE, BASE, Map.of(), Map.of());
    assertFalse(r.isValid());
    assertTrue(
        r.problems().get(0).message().startsWith("invalid TOML: the parser could not read"),
        r::describeProblems);
  }
}
