package org.learnchain.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * Builds a {@link NodeConfig} from four layers, each overriding the ones below it:
 *
 * <ol>
 *   <li>command-line overrides: a map from config key ({@code p2p.port}) to text, filled by the CLI
 *       from its options;
 *   <li>environment variables {@code LEARNCHAIN_<KEY>}: the key upper-cased with {@code .} and
 *       {@code -} turned into {@code _};
 *   <li>the TOML file, if any;
 *   <li>defaults.
 * </ol>
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>TOML key</th><th>environment variable</th><th>default</th></tr>
 *   <tr><td>data-dir</td><td>LEARNCHAIN_DATA_DIR</td><td>data</td></tr>
 *   <tr><td>genesis-file</td><td>LEARNCHAIN_GENESIS_FILE</td><td>genesis.json</td></tr>
 *   <tr><td>key-file</td><td>LEARNCHAIN_KEY_FILE</td><td>node.key</td></tr>
 *   <tr><td>api-token-file</td><td>LEARNCHAIN_API_TOKEN_FILE</td><td>api.token</td></tr>
 *   <tr><td>log-level</td><td>LEARNCHAIN_LOG_LEVEL</td><td>info</td></tr>
 *   <tr><td>p2p.host</td><td>LEARNCHAIN_P2P_HOST</td><td>127.0.0.1</td></tr>
 *   <tr><td>p2p.port</td><td>LEARNCHAIN_P2P_PORT</td><td>30300</td></tr>
 *   <tr><td>p2p.bootnodes</td><td>LEARNCHAIN_P2P_BOOTNODES (comma-separated)</td><td>none</td></tr>
 *   <tr><td>p2p.advertised-host</td><td>LEARNCHAIN_P2P_ADVERTISED_HOST</td><td>p2p.host</td></tr>
 *   <tr><td>grpc.host</td><td>LEARNCHAIN_GRPC_HOST</td><td>127.0.0.1</td></tr>
 *   <tr><td>grpc.port</td><td>LEARNCHAIN_GRPC_PORT</td><td>30301</td></tr>
 *   <tr><td>metrics.enabled</td><td>LEARNCHAIN_METRICS_ENABLED</td><td>true</td></tr>
 *   <tr><td>metrics.host</td><td>LEARNCHAIN_METRICS_HOST</td><td>127.0.0.1</td></tr>
 *   <tr><td>metrics.port</td><td>LEARNCHAIN_METRICS_PORT</td><td>30302</td></tr>
 *   <tr><td>explorer.enabled</td><td>LEARNCHAIN_EXPLORER_ENABLED</td><td>true</td></tr>
 *   <tr><td>explorer.host</td><td>LEARNCHAIN_EXPLORER_HOST</td><td>127.0.0.1</td></tr>
 *   <tr><td>explorer.port</td><td>LEARNCHAIN_EXPLORER_PORT</td><td>30303</td></tr>
 *   <tr><td>ml.threads</td><td>LEARNCHAIN_ML_THREADS</td><td>1</td></tr>
 *   <tr><td>ml.cpu-variant</td><td>LEARNCHAIN_ML_CPU_VARIANT</td><td>auto</td></tr>
 * </table>
 *
 * <p>Relative paths in the file, and the default paths when a file is given, are relative to the
 * file's directory, so a node directory can be moved as a whole; relative paths from the
 * environment or the command line are relative to the working directory. The loader never reads the
 * process environment itself: callers pass {@code System.getenv()} (or a test map). Every problem
 * in every layer is reported, not only the first.
 */
public final class NodeConfigLoader {
  public static final String ENV_PREFIX = "LEARNCHAIN_";
  public static final String ENV_SOURCE = "environment";
  public static final String CLI_SOURCE = "command line";
  public static final String DEFAULTS_SOURCE = "defaults";
  public static final int DEFAULT_P2P_PORT = 30300;
  public static final int DEFAULT_GRPC_PORT = 30301;
  public static final int DEFAULT_METRICS_PORT = 30302;
  public static final int DEFAULT_EXPLORER_PORT = 30303;
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int MAX_ML_THREADS = 256;

  /** One setting: its key, how its text and TOML forms are read, and its default as text. */
  private record Setting<T>(String key, Kind<T> kind, String defaultText, String description) {
    String envVar() {
      return envVarOf(key);
    }
  }

  /** A value read from text or TOML, or why it could not be. */
  private record Parsed<T>(T value, String error) {
    static <T> Parsed<T> ok(T value) {
      return new Parsed<>(value, null);
    }

    static <T> Parsed<T> fail(String error) {
      return new Parsed<>(null, error);
    }
  }

  /** How one type of setting is read from a string (environment, CLI) and from TOML. */
  private interface Kind<T> {
    Parsed<T> fromText(String text);

    Parsed<T> fromToml(Object value);
  }

  /** Where a resolved value came from, to point a cross-setting problem at it. */
  private record Origin(String source, String key, SourcePosition position, boolean isDefault) {}

  private record Resolved<T>(T value, Origin origin) {}

  private static final Kind<Path> PATH =
      new Kind<>() {
        @Override
        public Parsed<Path> fromText(String text) {
          if (text.isEmpty()) {
            return Parsed.fail("path is empty");
          }
          try {
            return Parsed.ok(Path.of(text));
          } catch (InvalidPathException e) {
            return Parsed.fail("'" + text + "' is not a valid path (" + e.getReason() + ")");
          }
        }

        @Override
        public Parsed<Path> fromToml(Object value) {
          return value instanceof String s ? fromText(s) : Parsed.fail(mustBe("a string", value));
        }
      };

  private static final Kind<String> CPU_VARIANT =
      new Kind<>() {
        @Override
        public Parsed<String> fromText(String text) {
          String v = text.trim().toLowerCase(java.util.Locale.ROOT);
          return switch (v) {
            case "generic", "avx2", "avx512", "auto" -> Parsed.ok(v);
            default -> Parsed.fail("must be generic, avx2, avx512 or auto");
          };
        }

        @Override
        public Parsed<String> fromToml(Object value) {
          return value instanceof String s ? fromText(s) : Parsed.fail(mustBe("a string", value));
        }
      };

  private static final Kind<String> HOST =
      new Kind<>() {
        @Override
        public Parsed<String> fromText(String text) {
          return Hosts.problem(text).<Parsed<String>>map(Parsed::fail).orElse(Parsed.ok(text));
        }

        @Override
        public Parsed<String> fromToml(Object value) {
          return value instanceof String s ? fromText(s) : Parsed.fail(mustBe("a string", value));
        }
      };

  /** A host, or nothing when the text is empty (the setting then falls back to another one). */
  private static final Kind<Optional<String>> OPTIONAL_HOST =
      new Kind<>() {
        @Override
        public Parsed<Optional<String>> fromText(String text) {
          if (text.isEmpty()) {
            return Parsed.ok(Optional.empty());
          }
          Parsed<String> host = HOST.fromText(text);
          return host.error() != null
              ? Parsed.fail(host.error())
              : Parsed.ok(Optional.of(host.value()));
        }

        @Override
        public Parsed<Optional<String>> fromToml(Object value) {
          return value instanceof String s ? fromText(s) : Parsed.fail(mustBe("a string", value));
        }
      };

  private static final Kind<Integer> PORT = integer(0, 65535, "a port number");

  private static final Kind<Integer> THREADS = integer(1, MAX_ML_THREADS, "a thread count");

  private static final Kind<Boolean> BOOL =
      new Kind<>() {
        @Override
        public Parsed<Boolean> fromText(String text) {
          return switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> Parsed.ok(true);
            case "false" -> Parsed.ok(false);
            default -> Parsed.fail("must be true or false, got '" + text + "'");
          };
        }

        @Override
        public Parsed<Boolean> fromToml(Object value) {
          return value instanceof Boolean b
              ? Parsed.ok(b)
              : Parsed.fail(mustBe("a boolean (true or false)", value));
        }
      };

  private static final Kind<NodeConfig.LogLevel> LOG_LEVEL =
      new Kind<>() {
        @Override
        public Parsed<NodeConfig.LogLevel> fromText(String text) {
          for (NodeConfig.LogLevel l : NodeConfig.LogLevel.values()) {
            if (l.id().equalsIgnoreCase(text)) {
              return Parsed.ok(l);
            }
          }
          return Parsed.fail(
              "unknown log level '"
                  + text
                  + "' (one of "
                  + Arrays.stream(NodeConfig.LogLevel.values())
                      .map(NodeConfig.LogLevel::id)
                      .collect(Collectors.joining(", "))
                  + ")");
        }

        @Override
        public Parsed<NodeConfig.LogLevel> fromToml(Object value) {
          return value instanceof String s ? fromText(s) : Parsed.fail(mustBe("a string", value));
        }
      };

  private static final Kind<List<HostPort>> PEERS =
      new Kind<>() {
        @Override
        public Parsed<List<HostPort>> fromText(String text) {
          if (text.isBlank()) {
            return Parsed.ok(List.of());
          }
          return peers(Arrays.stream(text.split(",", -1)).map(String::strip).toList());
        }

        @Override
        public Parsed<List<HostPort>> fromToml(Object value) {
          if (!(value instanceof TomlArray array)) {
            return Parsed.fail(mustBe("an array of \"HOST:PORT\" strings", value));
          }
          List<String> items = new ArrayList<>();
          for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof String s)) {
              return Parsed.fail(
                  "item " + (i + 1) + " " + mustBe("a \"HOST:PORT\" string", array.get(i)));
            }
            items.add(s);
          }
          return peers(items);
        }

        private Parsed<List<HostPort>> peers(List<String> items) {
          List<HostPort> out = new ArrayList<>();
          Set<HostPort> seen = new HashSet<>();
          for (String item : items) {
            if (item.isEmpty()) {
              return Parsed.fail("empty entry in the bootnode list");
            }
            Optional<String> problem = HostPort.problem(item);
            if (problem.isPresent()) {
              return Parsed.fail(problem.get());
            }
            HostPort hp = HostPort.parseChecked(item);
            if (!seen.add(hp)) {
              return Parsed.fail("bootnode " + hp + " is listed twice");
            }
            out.add(hp);
          }
          return Parsed.ok(List.copyOf(out));
        }
      };

  private static final Setting<Path> DATA_DIR =
      new Setting<>("data-dir", PATH, "data", "database and blob directory");
  private static final Setting<Path> GENESIS_FILE =
      new Setting<>("genesis-file", PATH, "genesis.json", "the chain's genesis file");
  private static final Setting<Path> KEY_FILE =
      new Setting<>("key-file", PATH, "node.key", "the node's encrypted keystore");
  private static final Setting<Path> API_TOKEN_FILE =
      new Setting<>("api-token-file", PATH, "api.token", "file holding the gRPC API token");
  private static final Setting<NodeConfig.LogLevel> LOG_LEVEL_SETTING =
      new Setting<>("log-level", LOG_LEVEL, "info", "error, warn, info, debug or trace");
  private static final Setting<String> P2P_HOST =
      new Setting<>("p2p.host", HOST, DEFAULT_HOST, "peer-to-peer listen address");
  private static final Setting<Integer> P2P_PORT =
      new Setting<>(
          "p2p.port", PORT, Integer.toString(DEFAULT_P2P_PORT), "peer-to-peer listen port");
  private static final Setting<List<HostPort>> P2P_BOOTNODES =
      new Setting<>("p2p.bootnodes", PEERS, "", "peers to dial at start, HOST:PORT");
  private static final Setting<Optional<String>> P2P_ADVERTISED_HOST =
      new Setting<>(
          "p2p.advertised-host",
          OPTIONAL_HOST,
          "",
          "host the other members dial to reach this node (default: p2p.host; set it when"
              + " p2p.host is 0.0.0.0)");
  private static final Setting<String> GRPC_HOST =
      new Setting<>("grpc.host", HOST, DEFAULT_HOST, "gRPC API listen address");
  private static final Setting<Integer> GRPC_PORT =
      new Setting<>("grpc.port", PORT, Integer.toString(DEFAULT_GRPC_PORT), "gRPC API port");
  private static final Setting<Boolean> METRICS_ENABLED =
      new Setting<>("metrics.enabled", BOOL, "true", "serve Prometheus metrics");
  private static final Setting<String> METRICS_HOST =
      new Setting<>("metrics.host", HOST, DEFAULT_HOST, "metrics listen address");
  private static final Setting<Integer> METRICS_PORT =
      new Setting<>(
          "metrics.port", PORT, Integer.toString(DEFAULT_METRICS_PORT), "metrics listen port");
  private static final Setting<Boolean> EXPLORER_ENABLED =
      new Setting<>("explorer.enabled", BOOL, "true", "serve the read-only web explorer");
  private static final Setting<String> EXPLORER_HOST =
      new Setting<>("explorer.host", HOST, DEFAULT_HOST, "web explorer listen address");
  private static final Setting<Integer> EXPLORER_PORT =
      new Setting<>(
          "explorer.port", PORT, Integer.toString(DEFAULT_EXPLORER_PORT), "web explorer port");
  private static final Setting<Integer> ML_THREADS =
      new Setting<>("ml.threads", THREADS, "1", "threads for training and inference");
  private static final Setting<String> ML_CPU_VARIANT =
      new Setting<>(
          "ml.cpu-variant", CPU_VARIANT, "auto", "ND4J native build: generic, avx2, avx512, auto");

  private static final List<Setting<?>> SETTINGS =
      List.of(
          DATA_DIR,
          GENESIS_FILE,
          KEY_FILE,
          API_TOKEN_FILE,
          LOG_LEVEL_SETTING,
          P2P_HOST,
          P2P_PORT,
          P2P_BOOTNODES,
          P2P_ADVERTISED_HOST,
          GRPC_HOST,
          GRPC_PORT,
          METRICS_ENABLED,
          METRICS_HOST,
          METRICS_PORT,
          EXPLORER_ENABLED,
          EXPLORER_HOST,
          EXPLORER_PORT,
          ML_THREADS,
          ML_CPU_VARIANT);

  private static final Map<String, Setting<?>> BY_KEY =
      SETTINGS.stream()
          .collect(
              Collectors.toMap(Setting::key, Function.identity(), (a, b) -> a, LinkedHashMap::new));

  /** Top-level TOML tables and the keys each may hold. */
  private static final Map<String, List<String>> TABLES = tables();

  private NodeConfigLoader() {}

  /**
   * A setting as documented to operators.
   *
   * @param key the TOML key (dotted for keys inside a table) and the key of CLI overrides
   * @param envVar the environment variable that sets it
   * @param defaultValue the default, as text
   * @param description what it is for
   */
  public record SettingInfo(String key, String envVar, String defaultValue, String description) {}

  /** Every setting, in file order. */
  public static List<SettingInfo> settings() {
    return SETTINGS.stream()
        .map(s -> new SettingInfo(s.key(), s.envVar(), s.defaultText(), s.description()))
        .toList();
  }

  /**
   * The environment variable for config key {@code key}: {@code p2p.port} → LEARNCHAIN_P2P_PORT.
   */
  public static String envVarOf(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The configuration from defaults alone (relative paths against the working directory). */
  public static NodeConfig defaults() {
    return load(Optional.empty(), Map.of(), Map.of()).value();
  }

  /**
   * Loads the configuration.
   *
   * @param file the TOML file, if any
   * @param env the process environment ({@code System.getenv()}); only {@code LEARNCHAIN_*}
   *     variables naming a setting are read
   * @param overrides command-line values by config key ({@code "p2p.bootnodes" ->
   *     "10.0.0.2:30300,10.0.0.3:30300"})
   * @throws IllegalArgumentException if {@code overrides} holds a key that is not a setting: the
   *     CLI maps its own options, so that is a bug, not bad input
   */
  public static ConfigResult<NodeConfig> load(
      Optional<Path> file, Map<String, String> env, Map<String, String> overrides) {
    if (file.isEmpty()) {
      return resolve(Optional.empty(), DEFAULTS_SOURCE, null, env, overrides);
    }
    Path path = file.get();
    ConfigResult<String> text = ConfigText.read(path);
    if (!text.isValid()) {
      // Still check the other layers, so that one run shows everything to fix.
      ConfigResult<NodeConfig> rest =
          resolve(Optional.empty(), path.toString(), path.getParent(), env, overrides);
      List<ConfigProblem> all = new ArrayList<>(text.problems());
      all.addAll(rest.problems());
      return ConfigResult.invalid(all);
    }
    return parse(text.value(), path.toString(), path.getParent(), env, overrides);
  }

  /**
   * Loads the configuration from TOML text; {@code source} names it in problems and {@code baseDir}
   * (null for the working directory) anchors its relative paths.
   */
  public static ConfigResult<NodeConfig> parse(
      String toml,
      String source,
      Path baseDir,
      Map<String, String> env,
      Map<String, String> overrides) {
    List<ConfigProblem> syntax = new ArrayList<>();
    TomlParseResult parsed = null;
    Optional<ConfigProblem> crowded = bracketProblem(toml, source);
    if (crowded.isPresent()) {
      syntax.add(crowded.get());
    } else {
      try {
        parsed = Toml.parse(toml);
        for (TomlParseError e : parsed.errors()) {
          syntax.add(syntaxProblem(source, e));
        }
      } catch (TomlParseError e) {
        // tomlj returns most syntax errors in its result but throws some (an invalid escape in a
        // table header's quoted key): the same problem for the operator either way.
        syntax.add(syntaxProblem(source, e));
      } catch (RuntimeException e) {
        // tomlj 1.1.1 also fails with exceptions of its own on some malformed values (a
        // NullPointerException for a date-time whose offset reads "-00Z"). The file is still just
        // bad input: it is reported as such, without the position tomlj could not give.
        syntax.add(
            ConfigProblem.of(
                source,
                "",
                "invalid TOML: the parser could not read this file ("
                    + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + ")"));
      }
    }
    if (!syntax.isEmpty()) {
      ConfigResult<NodeConfig> rest = resolve(Optional.empty(), source, baseDir, env, overrides);
      syntax.addAll(rest.problems());
      return ConfigResult.invalid(syntax);
    }
    return resolve(Optional.of(parsed), source, baseDir, env, overrides);
  }

  private static ConfigProblem syntaxProblem(String source, TomlParseError e) {
    TomlPosition pos = e.position();
    return new ConfigProblem(
        source,
        "",
        pos == null ? 0 : pos.line(),
        pos == null ? 0 : pos.column(),
        "invalid TOML: " + tomlMessage(e));
  }

  /** Most '[' and '{' characters a config file may hold (see {@link #bracketProblem}). */
  static final int MAX_BRACKETS = 128;

  /**
   * tomlj parses arrays and inline tables recursively with no depth limit: a file of a few thousand
   * nested brackets (a few kilobytes) overflows the stack, and a thread with a small stack fails at
   * about 120. Whether a bracket nests depends on lexer modes (strings, comments, dates) that
   * differ in subtle ways from any simple scan, so every '[' and '{' character counts, in strings
   * and comments too: that bounds the nesting whatever tomlj makes of the text. A node config needs
   * one per table header, one for {@code p2p.bootnodes} and one per IPv6 bootnode.
   */
  private static Optional<ConfigProblem> bracketProblem(String toml, String source) {
    int count = 0;
    int line = 1;
    int column = 0;
    for (int i = 0; i < toml.length(); i++) {
      char c = toml.charAt(i);
      column++;
      if (c == '\n') {
        line++;
        column = 0;
      } else if ((c == '[' || c == '{') && ++count > MAX_BRACKETS) {
        return Optional.of(
            new ConfigProblem(
                source,
                "",
                line,
                column,
                "more than "
                    + MAX_BRACKETS
                    + " '[' and '{' characters; a node config needs a handful, and nesting this"
                    + " deep is refused before parsing"));
      }
    }
    return Optional.empty();
  }

  private static ConfigResult<NodeConfig> resolve(
      Optional<TomlTable> toml,
      String source,
      Path baseDir,
      Map<String, String> env,
      Map<String, String> overrides) {
    for (String key : overrides.keySet()) {
      if (!BY_KEY.containsKey(key)) {
        throw new IllegalArgumentException("not a node config key: " + key);
      }
    }
    List<ConfigProblem> problems = new ArrayList<>();
    toml.ifPresent(t -> checkStructure(t, source, problems));
    Map<Setting<?>, Resolved<?>> values = new HashMap<>();
    for (Setting<?> s : SETTINGS) {
      Resolved<?> r = resolveOne(s, toml, source, baseDir, env, overrides, problems);
      if (r != null) {
        values.put(s, r);
      }
    }
    if (values.size() == SETTINGS.size()) {
      checkPorts(values, problems);
    }
    if (!problems.isEmpty()) {
      // File problems in line order, then those without a line (environment, command line) in
      // the order found.
      problems.sort(
          Comparator.comparingInt((ConfigProblem c) -> c.line() == 0 ? Integer.MAX_VALUE : c.line())
              .thenComparingInt(ConfigProblem::column));
      return ConfigResult.invalid(problems);
    }
    return ConfigResult.valid(
        new NodeConfig(
            get(values, DATA_DIR),
            get(values, GENESIS_FILE),
            get(values, KEY_FILE),
            get(values, API_TOKEN_FILE),
            get(values, LOG_LEVEL_SETTING),
            new NodeConfig.P2p(
                get(values, P2P_HOST),
                get(values, P2P_PORT),
                get(values, P2P_BOOTNODES),
                get(values, P2P_ADVERTISED_HOST)),
            new NodeConfig.Grpc(get(values, GRPC_HOST), get(values, GRPC_PORT)),
            new NodeConfig.Metrics(
                get(values, METRICS_ENABLED), get(values, METRICS_HOST), get(values, METRICS_PORT)),
            new NodeConfig.Ml(get(values, ML_THREADS), get(values, ML_CPU_VARIANT)),
            new NodeConfig.Explorer(
                get(values, EXPLORER_ENABLED),
                get(values, EXPLORER_HOST),
                get(values, EXPLORER_PORT))));
  }

  /**
   * The value of one setting from the highest layer that sets it, or null when that layer's value
   * is bad (a problem is added). A bad file value is reported even when a higher layer overrides
   * it: the file is still wrong and will bite the next run without the override.
   */
  private static <T> Resolved<T> resolveOne(
      Setting<T> s,
      Optional<TomlTable> toml,
      String source,
      Path baseDir,
      Map<String, String> env,
      Map<String, String> overrides,
      List<ConfigProblem> problems) {
    Resolved<T> fileValue = null;
    boolean fileBad = false;
    List<String> path = Toml.parseDottedKey(s.key());
    if (toml.isPresent() && toml.get().get(path) != null) {
      Object raw = toml.get().get(path);
      TomlPosition tp = toml.get().inputPositionOf(path);
      SourcePosition pos =
          tp == null ? SourcePosition.UNKNOWN : new SourcePosition(tp.line(), tp.column());
      Parsed<T> p = s.kind().fromToml(raw);
      if (p.error() != null) {
        problems.add(new ConfigProblem(source, s.key(), pos.line(), pos.column(), p.error()));
        fileBad = true;
      } else {
        fileValue =
            new Resolved<>(anchor(p.value(), baseDir), new Origin(source, s.key(), pos, false));
      }
    }
    String cli = overrides.get(s.key());
    if (cli != null) {
      return fromText(s, cli.strip(), CLI_SOURCE, s.key(), problems);
    }
    String envValue = env.get(s.envVar());
    if (envValue != null) {
      return fromText(s, envValue.strip(), ENV_SOURCE, s.envVar(), problems);
    }
    if (fileValue != null || fileBad) {
      return fileValue;
    }
    Parsed<T> d = s.kind().fromText(s.defaultText());
    if (d.error() != null) {
      throw new IllegalStateException("default of " + s.key() + " is invalid: " + d.error());
    }
    return new Resolved<>(
        anchor(d.value(), baseDir), new Origin(source, s.key(), SourcePosition.UNKNOWN, true));
  }

  private static <T> Resolved<T> fromText(
      Setting<T> s, String text, String source, String key, List<ConfigProblem> problems) {
    Parsed<T> p = s.kind().fromText(text);
    if (p.error() != null) {
      problems.add(ConfigProblem.of(source, key, p.error()));
      return null;
    }
    return new Resolved<>(p.value(), new Origin(source, key, SourcePosition.UNKNOWN, false));
  }

  /** File and default paths are relative to the config file's directory. */
  @SuppressWarnings("unchecked")
  private static <T> T anchor(T value, Path baseDir) {
    if (baseDir != null && value instanceof Path p && !p.isAbsolute()) {
      return (T) baseDir.resolve(p).normalize();
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private static <T> T get(Map<Setting<?>, Resolved<?>> values, Setting<T> s) {
    // Safe: resolveOne for Setting<T> only ever stores a Resolved<T> under s.
    return ((Resolved<T>) values.get(s)).value();
  }

  private static Origin origin(Map<Setting<?>, Resolved<?>> values, Setting<?> s) {
    return values.get(s).origin();
  }

  /** Unknown keys and keys of the wrong shape (a table where a value belongs, or the reverse). */
  private static void checkStructure(TomlTable root, String source, List<ConfigProblem> problems) {
    Set<String> topKeys = new HashSet<>(TABLES.get(""));
    topKeys.addAll(TABLES.keySet());
    topKeys.remove("");
    for (String key : root.keySet()) {
      List<String> path = List.of(key);
      if (!key.isEmpty() && TABLES.containsKey(key)) {
        if (!root.isTable(path)) {
          problems.add(
              at(source, key, root.inputPositionOf(path), "must be a table ([" + key + "])"));
          continue;
        }
        TomlTable table = root.getTable(path);
        List<String> allowed = TABLES.get(key);
        for (String sub : table.keySet()) {
          if (!allowed.contains(sub)) {
            problems.add(
                at(
                    source,
                    key + "." + sub,
                    root.inputPositionOf(List.of(key, sub)),
                    Suggestions.unknownKey(sub, allowed)));
          }
        }
      } else if (!topKeys.contains(key)) {
        List<String> known = new ArrayList<>(topKeys);
        problems.add(
            at(source, key, root.inputPositionOf(path), Suggestions.unknownKey(key, known)));
      }
    }
  }

  private static ConfigProblem at(String source, String key, TomlPosition pos, String message) {
    return new ConfigProblem(
        source, key, pos == null ? 0 : pos.line(), pos == null ? 0 : pos.column(), message);
  }

  /**
   * Two listeners on one port fail at bind time with a cryptic error; say which keys clash now. The
   * problem points at the explicitly set value of the pair, preferring the later key.
   */
  private static void checkPorts(
      Map<Setting<?>, Resolved<?>> values, List<ConfigProblem> problems) {
    record Listener(Setting<String> host, Setting<Integer> port) {}
    List<Listener> listeners = new ArrayList<>();
    listeners.add(new Listener(P2P_HOST, P2P_PORT));
    listeners.add(new Listener(GRPC_HOST, GRPC_PORT));
    if (get(values, METRICS_ENABLED)) {
      listeners.add(new Listener(METRICS_HOST, METRICS_PORT));
    }
    if (get(values, EXPLORER_ENABLED)) {
      listeners.add(new Listener(EXPLORER_HOST, EXPLORER_PORT));
    }
    for (int i = 0; i < listeners.size(); i++) {
      for (int j = i + 1; j < listeners.size(); j++) {
        Listener a = listeners.get(i);
        Listener b = listeners.get(j);
        int port = get(values, a.port());
        String hostA = get(values, a.host());
        String hostB = get(values, b.host());
        if (port != 0 && port == get(values, b.port()) && overlap(hostA, hostB)) {
          Origin ob = origin(values, b.port());
          Listener blamed = ob.isDefault() && !origin(values, a.port()).isDefault() ? a : b;
          Listener other = blamed == a ? b : a;
          Origin o = origin(values, blamed.port());
          problems.add(
              new ConfigProblem(
                  o.source(),
                  o.key(),
                  o.position().line(),
                  o.position().column(),
                  "port "
                      + port
                      + " on "
                      + get(values, blamed.host())
                      + " is also used by "
                      + other.port().key()));
        }
      }
    }
  }

  private static boolean overlap(String a, String b) {
    return a.equalsIgnoreCase(b) || isWildcard(a) || isWildcard(b);
  }

  private static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
  }

  private static Map<String, List<String>> tables() {
    Map<String, List<String>> tables = new LinkedHashMap<>();
    for (Setting<?> s : SETTINGS) {
      int dot = s.key().indexOf('.');
      String table = dot < 0 ? "" : s.key().substring(0, dot);
      String key = dot < 0 ? s.key() : s.key().substring(dot + 1);
      tables.computeIfAbsent(table, t -> new ArrayList<>()).add(key);
    }
    tables.replaceAll((t, keys) -> List.copyOf(keys));
    return Map.copyOf(tables);
  }

  private static Kind<Integer> integer(int min, int max, String what) {
    return new Kind<>() {
      @Override
      public Parsed<Integer> fromText(String text) {
        if (!text.matches("-?[0-9]{1,10}")) {
          return Parsed.fail("must be " + what + ", got '" + text + "'");
        }
        return range(Long.parseLong(text));
      }

      @Override
      public Parsed<Integer> fromToml(Object value) {
        return value instanceof Long l ? range(l) : Parsed.fail(mustBe("an integer", value));
      }

      private Parsed<Integer> range(long v) {
        if (v < min || v > max) {
          return Parsed.fail(what + " must be in " + min + ".." + max + ", got " + v);
        }
        return Parsed.ok((int) v);
      }
    };
  }

  private static String mustBe(String expected, Object value) {
    return "must be " + expected + ", got " + tomlType(value);
  }

  private static String tomlType(Object value) {
    if (value instanceof String) {
      return "a string";
    } else if (value instanceof Long) {
      return "an integer";
    } else if (value instanceof Double) {
      return "a float";
    } else if (value instanceof Boolean) {
      return "a boolean";
    } else if (value instanceof TomlArray) {
      return "an array";
    } else if (value instanceof TomlTable) {
      return "a table";
    }
    return "a date or time";
  }

  private static String tomlMessage(TomlParseError e) {
    String m = e.getMessage() == null ? "syntax error" : e.getMessage();
    // tomlj appends the position it also returns separately.
    int cut = m.lastIndexOf(" (line ");
    return cut > 0 ? m.substring(0, cut) : m;
  }

  /**
   * The TOML text of {@code config} for a file in {@code baseDir}: paths are written relative to
   * it, so that {@link #load} of the written file gives back {@code config}.
   */
  public static String toToml(NodeConfig config, Path baseDir) {
    StringBuilder sb = new StringBuilder();
    sb.append("# learnchain node configuration. Relative paths are relative to this file.\n");
    sb.append("# Environment variables LEARNCHAIN_<KEY> and command-line options override it.\n");
    line(sb, DATA_DIR.key(), string(relative(config.dataDir(), baseDir)));
    line(sb, GENESIS_FILE.key(), string(relative(config.genesisFile(), baseDir)));
    line(sb, KEY_FILE.key(), string(relative(config.keyFile(), baseDir)));
    line(sb, API_TOKEN_FILE.key(), string(relative(config.apiTokenFile(), baseDir)));
    line(sb, LOG_LEVEL_SETTING.key(), string(config.logLevel().id()));
    sb.append("\n[p2p]\n");
    line(sb, "host", string(config.p2p().host()));
    line(sb, "port", Integer.toString(config.p2p().port()));
    line(
        sb,
        "bootnodes",
        config.p2p().bootnodes().stream()
            .map(hp -> string(hp.toString()))
            .collect(Collectors.joining(", ", "[", "]")));
    config.p2p().advertisedHost().ifPresent(h -> line(sb, "advertised-host", string(h)));
    sb.append("\n[grpc]\n");
    line(sb, "host", string(config.grpc().host()));
    line(sb, "port", Integer.toString(config.grpc().port()));
    sb.append("\n[metrics]\n");
    line(sb, "enabled", Boolean.toString(config.metrics().enabled()));
    line(sb, "host", string(config.metrics().host()));
    line(sb, "port", Integer.toString(config.metrics().port()));
    sb.append("\n[explorer]\n");
    line(sb, "enabled", Boolean.toString(config.explorer().enabled()));
    line(sb, "host", string(config.explorer().host()));
    line(sb, "port", Integer.toString(config.explorer().port()));
    sb.append("\n[ml]\n");
    line(sb, "threads", Integer.toString(config.ml().threads()));
    line(sb, "cpu-variant", string(config.ml().cpuVariant()));
    return sb.toString();
  }

  private static void line(StringBuilder sb, String key, String value) {
    sb.append(key).append(" = ").append(value).append('\n');
  }

  private static String string(String s) {
    return "\"" + Toml.tomlEscape(s) + "\"";
  }

  private static String relative(Path path, Path baseDir) {
    if (baseDir == null) {
      return path.toString();
    }
    Path base = baseDir.toAbsolutePath().normalize();
    Path target = path.toAbsolutePath().normalize();
    String relative = base.relativize(target).toString();
    return relative.isEmpty() ? "." : relative;
  }
}
