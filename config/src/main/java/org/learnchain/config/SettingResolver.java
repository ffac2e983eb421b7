package org.learnchain.config;

import static org.learnchain.config.NodeConfigLoader.CLI_SOURCE;
import static org.learnchain.config.NodeConfigLoader.ENV_SOURCE;
import static org.learnchain.config.NodeSettings.API_TOKEN_FILE;
import static org.learnchain.config.NodeSettings.BY_KEY;
import static org.learnchain.config.NodeSettings.DATA_DIR;
import static org.learnchain.config.NodeSettings.EXPLORER_ENABLED;
import static org.learnchain.config.NodeSettings.EXPLORER_HOST;
import static org.learnchain.config.NodeSettings.EXPLORER_PORT;
import static org.learnchain.config.NodeSettings.GENESIS_FILE;
import static org.learnchain.config.NodeSettings.GRPC_HOST;
import static org.learnchain.config.NodeSettings.GRPC_PORT;
import static org.learnchain.config.NodeSettings.KEY_FILE;
import static org.learnchain.config.NodeSettings.LOG_LEVEL_SETTING;
import static org.learnchain.config.NodeSettings.METRICS_ENABLED;
import static org.learnchain.config.NodeSettings.METRICS_HOST;
import static org.learnchain.config.NodeSettings.METRICS_PORT;
import static org.learnchain.config.NodeSettings.ML_CPU_VARIANT;
import static org.learnchain.config.NodeSettings.ML_THREADS;
import static org.learnchain.config.NodeSettings.P2P_ADVERTISED_HOST;
import static org.learnchain.config.NodeSettings.P2P_BOOTNODES;
import static org.learnchain.config.NodeSettings.P2P_HOST;
import static org.learnchain.config.NodeSettings.P2P_MAX_FRAME_BYTES;
import static org.learnchain.config.NodeSettings.P2P_PORT;
import static org.learnchain.config.NodeSettings.SETTINGS;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.learnchain.config.NodeSettings.Setting;
import org.learnchain.config.SettingKinds.Parsed;
import org.tomlj.Toml;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * Resolves every setting from its highest layer (command line, environment, file, default), checks
 * settings against each other (ports), and builds the {@link NodeConfig}. Part of {@link
 * NodeConfigLoader}.
 */
final class SettingResolver {
  private SettingResolver() {}

  /** Where a resolved value came from, to point a cross-setting problem at it. */
  private record Origin(String source, String key, SourcePosition position, boolean isDefault) {}

  private record Resolved<T>(T value, Origin origin) {}

  static ConfigResult<NodeConfig> resolve(
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
    toml.ifPresent(t -> TomlInput.checkStructure(t, source, problems));
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
                get(values, P2P_ADVERTISED_HOST),
                get(values, P2P_MAX_FRAME_BYTES)),
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
}
