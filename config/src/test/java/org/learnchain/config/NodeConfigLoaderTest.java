package org.learnchain.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NodeConfigLoaderTest {
  private static final String FULL =
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
      """;

  @TempDir Path dir;

  @Test
  void defaultsBindLoopbackOnDocumentedPorts() {
    NodeConfig c = NodeConfigLoader.defaults();
    assertEquals(Path.of("data"), c.dataDir());
    assertEquals(Path.of("genesis.json"), c.genesisFile());
    assertEquals(Path.of("node.key"), c.keyFile());
    assertEquals(Path.of("api.token"), c.apiTokenFile());
    assertEquals(NodeConfig.LogLevel.INFO, c.logLevel());
    assertEquals(new NodeConfig.P2p("127.0.0.1", 30300, List.of()), c.p2p());
    assertEquals(new NodeConfig.Grpc("127.0.0.1", 30301), c.grpc());
    assertEquals(new NodeConfig.Metrics(true, "127.0.0.1", 30302), c.metrics());
    assertEquals(new NodeConfig.Ml(1), c.ml());
  }

  @Test
  void fullFileIsReadWithPathsRelativeToItsDirectory() throws IOException {
    Path file = write("node0/config.toml", FULL);
    NodeConfig c = load(file, Map.of(), Map.of()).value();
    Path base = dir.resolve("node0");
    assertEquals(base.resolve("db"), c.dataDir());
    assertEquals(dir.resolve("genesis.json"), c.genesisFile());
    assertEquals(Path.of("/etc/learnchain/node.key"), c.keyFile());
    assertEquals(base.resolve("api.token"), c.apiTokenFile());
    assertEquals(NodeConfig.LogLevel.DEBUG, c.logLevel());
    assertEquals(
        new NodeConfig.P2p(
            "0.0.0.0",
            31000,
            List.of(
                new HostPort("10.0.0.2", 31000),
                new HostPort("::1", 31010),
                new HostPort("peer.example.org", 31020))),
        c.p2p());
    assertEquals(new NodeConfig.Grpc("127.0.0.1", 31001), c.grpc());
    assertEquals(new NodeConfig.Metrics(false, "::1", 31002), c.metrics());
    assertEquals(new NodeConfig.Ml(2), c.ml());
  }

  @Test
  void defaultPathsFollowTheFile() throws IOException {
    Path file = write("n/config.toml", "[p2p]\nport = 1234\n");
    NodeConfig c = load(file, Map.of(), Map.of()).value();
    assertEquals(dir.resolve("n/data"), c.dataDir());
    assertEquals(dir.resolve("n/node.key"), c.keyFile());
    assertEquals(1234, c.p2p().port());
  }

  @Test
  void dottedKeysAndInlineTablesAreTheSameAsTables() throws IOException {
    Path dotted =
        write("d/config.toml", "p2p.port = 4000\ngrpc = { port = 4001, host = \"::1\" }\n");
    NodeConfig c = load(dotted, Map.of(), Map.of()).value();
    assertEquals(4000, c.p2p().port());
    assertEquals(new NodeConfig.Grpc("::1", 4001), c.grpc());
  }

  static Stream<Arguments> layeredSettings() {
    // key, file value (TOML), env value, CLI value, then the expected result from each layer
    return Stream.of(
        Arguments.of("p2p.port", "1000", "2000", "3000", 1000, 2000, 3000, 30300),
        Arguments.of("grpc.port", "1001", "2001", "3001", 1001, 2001, 3001, 30301),
        Arguments.of("metrics.port", "1002", "2002", "3002", 1002, 2002, 3002, 30302),
        Arguments.of("explorer.port", "1003", "2003", "3003", 1003, 2003, 3003, 30303),
        Arguments.of("ml.threads", "3", "4", "5", 3, 4, 5, 1),
        Arguments.of(
            "p2p.max-frame-bytes",
            "1048576",
            "2097152",
            "4194304",
            1 << 20,
            2 << 20,
            4 << 20,
            16 << 20),
        Arguments.of(
            "ml.cpu-variant", "\"generic\"", "avx2", "AVX512", "generic", "avx2", "avx512", "auto"),
        Arguments.of(
            "p2p.host",
            "\"10.0.0.1\"",
            "10.0.0.2",
            "10.0.0.3",
            "10.0.0.1",
            "10.0.0.2",
            "10.0.0.3",
            "127.0.0.1"),
        Arguments.of(
            "grpc.host",
            "\"a.example\"",
            "b.example",
            "c.example",
            "a.example",
            "b.example",
            "c.example",
            "127.0.0.1"),
        Arguments.of("metrics.host", "\"::1\"", "::2", "::3", "::1", "::2", "::3", "127.0.0.1"),
        Arguments.of(
            "p2p.advertised-host",
            "\"node1\"",
            "10.0.0.2",
            "node3.example",
            Optional.of("node1"),
            Optional.of("10.0.0.2"),
            Optional.of("node3.example"),
            Optional.empty()),
        Arguments.of("metrics.enabled", "false", "true", "false", false, true, false, true),
        Arguments.of("explorer.enabled", "false", "true", "false", false, true, false, true),
        Arguments.of("explorer.host", "\"::1\"", "::2", "::3", "::1", "::2", "::3", "127.0.0.1"),
        Arguments.of(
            "log-level",
            "\"warn\"",
            "ERROR",
            "trace",
            NodeConfig.LogLevel.WARN,
            NodeConfig.LogLevel.ERROR,
            NodeConfig.LogLevel.TRACE,
            NodeConfig.LogLevel.INFO),
        Arguments.of(
            "p2p.bootnodes",
            "[\"h1:1\"]",
            "h2:2, h3:3",
            "h4:4",
            List.of(new HostPort("h1", 1)),
            List.of(new HostPort("h2", 2), new HostPort("h3", 3)),
            List.of(new HostPort("h4", 4)),
            List.of()),
        Arguments.of(
            "data-dir",
            "\"fdata\"",
            "/env/data",
            "/cli/data",
            "FILE:fdata",
            Path.of("/env/data"),
            Path.of("/cli/data"),
            "FILE:data"),
        Arguments.of(
            "key-file",
            "\"f.key\"",
            "/env.key",
            "/cli.key",
            "FILE:f.key",
            Path.of("/env.key"),
            Path.of("/cli.key"),
            "FILE:node.key"),
        Arguments.of(
            "api-token-file",
            "\"f.token\"",
            "/e.token",
            "/c.token",
            "FILE:f.token",
            Path.of("/e.token"),
            Path.of("/c.token"),
            "FILE:api.token"),
        Arguments.of(
            "genesis-file",
            "\"g.json\"",
            "/e.json",
            "/c.json",
            "FILE:g.json",
            Path.of("/e.json"),
            Path.of("/c.json"),
            "FILE:genesis.json"));
  }

  /** CLI beats environment beats file beats defaults, for every setting. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("layeredSettings")
  void precedenceIsCliThenEnvironmentThenFileThenDefault(
      String key,
      String fileValue,
      String envValue,
      String cliValue,
      Object fromFile,
      Object fromEnv,
      Object fromCli,
      Object fromDefault)
      throws IOException {
    String toml = tomlWith(key, fileValue);
    Path file = write("layers/config.toml", toml);
    Path empty = write("layers/empty.toml", "");
    String env = NodeConfigLoader.envVarOf(key);
    Map<String, String> envMap = Map.of(env, envValue, "LEARNCHAIN_PASSWORD", "unrelated");
    Map<String, String> cliMap = Map.of(key, cliValue);

    assertEquals(expected(fromCli), value(load(file, envMap, cliMap).value(), key));
    assertEquals(expected(fromEnv), value(load(file, envMap, Map.of()).value(), key));
    assertEquals(expected(fromFile), value(load(file, Map.of(), Map.of()).value(), key));
    assertEquals(expected(fromDefault), value(load(empty, Map.of(), Map.of()).value(), key));
    // Without a file, environment and CLI still apply.
    assertEquals(
        expected(fromEnv),
        value(NodeConfigLoader.load(Optional.empty(), envMap, Map.of()).value(), key));
  }

  private Object expected(Object v) {
    // "FILE:x" stands for a path relative to the config file's directory.
    if (v instanceof String s && s.startsWith("FILE:")) {
      return dir.resolve("layers").resolve(s.substring(5));
    }
    return v;
  }

  private static String tomlWith(String key, String value) {
    int dot = key.indexOf('.');
    if (dot < 0) {
      return key + " = " + value + "\n";
    }
    return "[" + key.substring(0, dot) + "]\n" + key.substring(dot + 1) + " = " + value + "\n";
  }

  private static Object value(NodeConfig c, String key) {
    return switch (key) {
      case "p2p.port" -> c.p2p().port();
      case "grpc.port" -> c.grpc().port();
      case "metrics.port" -> c.metrics().port();
      case "ml.threads" -> c.ml().threads();
      case "ml.cpu-variant" -> c.ml().cpuVariant();
      case "p2p.host" -> c.p2p().host();
      case "p2p.advertised-host" -> c.p2p().advertisedHost();
      case "p2p.max-frame-bytes" -> c.p2p().maxFrameBytes();
      case "grpc.host" -> c.grpc().host();
      case "metrics.host" -> c.metrics().host();
      case "metrics.enabled" -> c.metrics().enabled();
      case "explorer.port" -> c.explorer().port();
      case "explorer.host" -> c.explorer().host();
      case "explorer.enabled" -> c.explorer().enabled();
      case "log-level" -> c.logLevel();
      case "p2p.bootnodes" -> c.p2p().bootnodes();
      case "data-dir" -> c.dataDir();
      case "key-file" -> c.keyFile();
      case "api-token-file" -> c.apiTokenFile();
      case "genesis-file" -> c.genesisFile();
      default -> throw new IllegalArgumentException(key);
    };
  }

  @Test
  void everySettingIsCoveredByThePrecedenceTest() {
    List<String> tested = layeredSettings().map(a -> (String) a.get()[0]).sorted().toList();
    List<String> all =
        NodeConfigLoader.settings().stream()
            .map(NodeConfigLoader.SettingInfo::key)
            .sorted()
            .toList();
    assertEquals(all, tested);
  }

  @Test
  void environmentVariableNames() {
    assertEquals("LEARNCHAIN_P2P_PORT", NodeConfigLoader.envVarOf("p2p.port"));
    assertEquals("LEARNCHAIN_DATA_DIR", NodeConfigLoader.envVarOf("data-dir"));
    assertEquals("LEARNCHAIN_API_TOKEN_FILE", NodeConfigLoader.envVarOf("api-token-file"));
    assertEquals("LEARNCHAIN_P2P_BOOTNODES", NodeConfigLoader.envVarOf("p2p.bootnodes"));
  }

  static Stream<Arguments> badFileValues() {
    return Stream.of(
        Arguments.of(
            "[p2p]\nport = 70000\n", "p2p.port", 2, "a port number must be in 0..65535, got 70000"),
        Arguments.of(
            "[p2p]\nport = \"30300\"\n", "p2p.port", 2, "must be an integer, got a string"),
        Arguments.of("[p2p]\nport = 1.5\n", "p2p.port", 2, "must be an integer, got a float"),
        Arguments.of("[p2p]\nhost = \"\"\n", "p2p.host", 2, "host is empty"),
        Arguments.of("[p2p]\nhost = \"bad_host\"\n", "p2p.host", 2, "not a valid host name"),
        Arguments.of(
            "[p2p]\nadvertised-host = \"bad_host\"\n",
            "p2p.advertised-host",
            2,
            "not a valid host name"),
        Arguments.of("[p2p]\nhost = \"300.1.1.1\"\n", "p2p.host", 2, "not a valid IPv4 address"),
        Arguments.of("[grpc]\nhost = \"1::2::3\"\n", "grpc.host", 2, "not a valid IPv6 address"),
        Arguments.of("[p2p]\nbootnodes = \"h:1\"\n", "p2p.bootnodes", 2, "must be an array"),
        Arguments.of("[p2p]\nbootnodes = [\"h\"]\n", "p2p.bootnodes", 2, "no port"),
        Arguments.of(
            "[p2p]\nbootnodes = [\"h:0\"]\n",
            "p2p.bootnodes",
            2,
            "port must be a number in 1..65535"),
        Arguments.of("[p2p]\nbootnodes = [\"::1:5\"]\n", "p2p.bootnodes", 2, "brackets"),
        Arguments.of("[p2p]\nbootnodes = [\"h:1\", \"h:1\"]\n", "p2p.bootnodes", 2, "listed twice"),
        Arguments.of("[p2p]\nbootnodes = [\"h:1\", 2]\n", "p2p.bootnodes", 2, "item 2 must be"),
        Arguments.of("[metrics]\nenabled = \"yes\"\n", "metrics.enabled", 2, "must be a boolean"),
        Arguments.of("[ml]\nthreads = 0\n", "ml.threads", 2, "must be in 1..256"),
        Arguments.of(
            "[p2p]\nmax-frame-bytes = 1000\n",
            "p2p.max-frame-bytes",
            2,
            "must be in 65536..16777216"),
        Arguments.of(
            "[ml]\ncpu-variant = \"sse\"\n",
            "ml.cpu-variant",
            2,
            "must be generic, avx2, avx512 or auto"),
        Arguments.of("log-level = \"loud\"\n", "log-level", 1, "unknown log level 'loud'"),
        Arguments.of("data-dir = 5\n", "data-dir", 1, "must be a string, got an integer"),
        Arguments.of("data-dir = \"\"\n", "data-dir", 1, "path is empty"),
        Arguments.of("key-file = \"a\\u0000b\"\n", "key-file", 1, "not a valid path"),
        Arguments.of("datadir = \"x\"\n", "datadir", 1, "unknown key (did you mean 'data-dir'?)"),
        Arguments.of("[p2p]\nprot = 1\n", "p2p.prot", 2, "unknown key (did you mean 'port'?)"),
        Arguments.of("\n[rpc]\nport = 1\n", "rpc", 2, "unknown key (did you mean 'grpc'?)"),
        Arguments.of("p2p = 5\n", "p2p", 1, "must be a table ([p2p])"),
        Arguments.of("[data-dir]\nx = 1\n", "data-dir", 1, "must be a string, got a table"),
        Arguments.of("[[p2p]]\nport = 1\n", "p2p", 1, "must be a table"),
        Arguments.of("[p2p.extra]\nport = 1\n", "p2p.extra", 1, "unknown key"),
        Arguments.of("when = 1979-05-27T07:32:00Z\n", "when", 1, "unknown key"),
        Arguments.of(
            "[grpc]\nport = 30300\n",
            "grpc.port",
            2,
            "port 30300 on 127.0.0.1 is also used by p2p.port"));
  }

  @ParameterizedTest(name = "{1}: {3}")
  @MethodSource("badFileValues")
  void badFileValueNamesFileKeyAndLine(String toml, String key, int line, String message)
      throws IOException {
    Path file = write("bad/config.toml", toml);
    ConfigResult<NodeConfig> r = load(file, Map.of(), Map.of());
    assertFalse(r.isValid(), toml);
    assertEquals(1, r.problems().size(), r::describeProblems);
    ConfigProblem p = r.problems().get(0);
    assertEquals(file.toString(), p.source());
    assertEquals(key, p.key(), p::format);
    assertEquals(line, p.line(), p::format);
    assertTrue(p.column() > 0, p::format);
    assertTrue(p.message().contains(message), p::format);
  }

  @Test
  void badEnvironmentAndCliValuesNameTheirSource() {
    Map<String, String> env = Map.of("LEARNCHAIN_P2P_PORT", "abc", "LEARNCHAIN_ML_THREADS", "999");
    Map<String, String> cli = Map.of("p2p.bootnodes", "a:1,,b:2", "grpc.host", "");
    ConfigResult<NodeConfig> r = NodeConfigLoader.load(Optional.empty(), env, cli);
    assertEquals(
        List.of(
            "environment: LEARNCHAIN_P2P_PORT: must be a port number, got 'abc'",
            "command line: p2p.bootnodes: empty entry in the bootnode list",
            "command line: grpc.host: host is empty",
            "environment: LEARNCHAIN_ML_THREADS: a thread count must be in 1..256, got 999"),
        r.problems().stream().map(ConfigProblem::format).toList());
  }

  @Test
  void badFileValueIsReportedEvenWhenOverridden() throws IOException {
    Path file = write("o/config.toml", "[p2p]\nport = \"x\"\n");
    ConfigResult<NodeConfig> r = load(file, Map.of("LEARNCHAIN_P2P_PORT", "4000"), Map.of());
    assertEquals(List.of(file + ":2:1: p2p.port: must be an integer, got a string"), formatted(r));
  }

  @Test
  void everyProblemOfEveryLayerIsReportedTogether() throws IOException {
    Path file =
        write(
            "all/config.toml",
            "datadir = \"x\"\n[p2p]\nport = -1\nhost = \"a b\"\n[ml]\nthreads = 1000\n");
    ConfigResult<NodeConfig> r =
        load(file, Map.of("LEARNCHAIN_GRPC_PORT", "x"), Map.of("metrics.enabled", "maybe"));
    assertEquals(6, r.problems().size(), r::describeProblems);
    assertEquals(
        List.of(
            "datadir",
            "p2p.port",
            "p2p.host",
            "ml.threads",
            "LEARNCHAIN_GRPC_PORT",
            "metrics.enabled"),
        r.problems().stream().map(ConfigProblem::key).toList());
  }

  @Test
  void portClashIsBlamedOnTheExplicitSetting() throws IOException {
    // The file moves p2p onto gRPC's default port: the explicit p2p.port is the mistake.
    Path file = write("clash/config.toml", "[p2p]\nport = 30301\n");
    assertEquals(
        List.of(file + ":2:1: p2p.port: port 30301 on 127.0.0.1 is also used by grpc.port"),
        formatted(load(file, Map.of(), Map.of())));
    // Wildcard binds clash with everything; disabled metrics clash with nothing; 0 never clashes.
    assertFalse(
        NodeConfigLoader.load(
                Optional.empty(),
                Map.of("LEARNCHAIN_METRICS_HOST", "0.0.0.0", "LEARNCHAIN_METRICS_PORT", "30300"),
                Map.of())
            .isValid());
    assertTrue(
        NodeConfigLoader.load(
                Optional.empty(),
                Map.of("LEARNCHAIN_METRICS_ENABLED", "false", "LEARNCHAIN_METRICS_PORT", "30300"),
                Map.of())
            .isValid());
    assertTrue(
        NodeConfigLoader.load(
                Optional.empty(),
                Map.of("LEARNCHAIN_P2P_PORT", "0", "LEARNCHAIN_GRPC_PORT", "0"),
                Map.of())
            .isValid());
    assertTrue(
        NodeConfigLoader.load(
                Optional.empty(),
                Map.of("LEARNCHAIN_GRPC_HOST", "10.0.0.1", "LEARNCHAIN_GRPC_PORT", "30300"),
                Map.of())
            .isValid());
  }

  static Stream<Arguments> syntaxErrors() {
    return Stream.of(
        Arguments.of("[p2p\nport = 1\n", 1),
        Arguments.of("data-dir = \"x\"\ndata-dir = \"y\"\n", 2),
        Arguments.of("a = \n", 1),
        Arguments.of("x = \"unterminated\n", 1),
        Arguments.of("\n\n[p2p]\nport = 1\n[p2p]\nhost = \"h\"\n", 5));
  }

  @ParameterizedTest
  @MethodSource("syntaxErrors")
  void invalidTomlIsReportedWithParserLineAndColumn(String toml, int line) throws IOException {
    Path file = write("syntax/config.toml", toml);
    ConfigResult<NodeConfig> r = load(file, Map.of(), Map.of());
    assertFalse(r.isValid());
    ConfigProblem p = r.problems().get(0);
    assertEquals(file.toString(), p.source());
    assertEquals(line, p.line(), p::format);
    assertTrue(p.column() > 0, p::format);
    assertTrue(p.message().startsWith("invalid TOML: "), p::format);
    assertFalse(p.format().contains("\n"));
  }

  @Test
  void unreadableFileIsOneProblemAndOtherLayersAreStillChecked() throws IOException {
    Path missing = dir.resolve("nope.toml");
    ConfigResult<NodeConfig> r = load(missing, Map.of("LEARNCHAIN_P2P_PORT", "x"), Map.of());
    assertEquals(
        List.of(
            missing + ": file not found",
            "environment: LEARNCHAIN_P2P_PORT: must be a port number, got 'x'"),
        formatted(r));

    Path big = write("big.toml", "# " + "x".repeat(ConfigText.MAX_BYTES) + "\n");
    r = load(big, Map.of(), Map.of());
    assertEquals(1, r.problems().size());
    assertTrue(r.problems().get(0).message().contains("larger than 1 MiB"));
  }

  @Test
  void unknownOverrideKeyIsAProgrammingError() {
    assertThrows(
        IllegalArgumentException.class,
        () -> NodeConfigLoader.load(Optional.empty(), Map.of(), Map.of("p2p.prot", "1")));
  }

  @Test
  void writtenTomlLoadsBackEqual() throws IOException {
    Path base = dir.resolve("node3");
    NodeConfig config =
        new NodeConfig(
            base.resolve("data"),
            dir.resolve("genesis.json"),
            base.resolve("node.key"),
            Path.of("/secrets/api.token"),
            NodeConfig.LogLevel.WARN,
            new NodeConfig.P2p(
                "127.0.0.1",
                30330,
                List.of(new HostPort("127.0.0.1", 30300), new HostPort("::1", 30310)),
                Optional.of("node3.example")),
            new NodeConfig.Grpc("127.0.0.1", 30331),
            new NodeConfig.Metrics(true, "127.0.0.1", 30332),
            new NodeConfig.Ml(2));
    String toml = NodeConfigLoader.toToml(config, base);
    assertTrue(toml.contains("genesis-file = \"../genesis.json\""), toml);
    assertTrue(toml.contains("data-dir = \"data\""), toml);
    assertTrue(toml.contains("advertised-host = \"node3.example\""), toml);
    Path file = base.resolve("config.toml");
    Files.createDirectories(base);
    Files.writeString(file, toml);
    assertEquals(config, load(file, Map.of(), Map.of()).value());
  }

  @Test
  void settingsDocumentEveryKeyWithItsEnvironmentVariable() {
    Map<String, String> env = new HashMap<>();
    for (NodeConfigLoader.SettingInfo s : NodeConfigLoader.settings()) {
      assertTrue(s.envVar().startsWith("LEARNCHAIN_"), s.toString());
      assertFalse(s.description().isBlank());
      env.put(s.envVar(), s.defaultValue());
    }
    assertEquals(20, env.size());
    // Feeding every default back through the environment gives the defaults again.
    assertEquals(
        NodeConfigLoader.defaults(),
        NodeConfigLoader.load(Optional.empty(), env, Map.of()).value());
  }

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    return file;
  }

  private static ConfigResult<NodeConfig> load(
      Path file, Map<String, String> env, Map<String, String> cli) {
    return NodeConfigLoader.load(Optional.of(file), env, cli);
  }

  private static List<String> formatted(ConfigResult<?> r) {
    return r.problems().stream().map(ConfigProblem::format).toList();
  }
}
