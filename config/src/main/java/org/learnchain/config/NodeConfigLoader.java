package org.learnchain.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

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
 *   <tr><td>p2p.max-frame-bytes</td><td>LEARNCHAIN_P2P_MAX_FRAME_BYTES</td><td>16777216</td></tr>
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
 *
 * <p>The work is split by concern: {@link NodeSettings} (the settings and their defaults), {@link
 * SettingKinds} (reading each type of value), {@link TomlInput} (the TOML file: syntax and
 * structure), {@link SettingResolver} (layers, cross-setting checks, the record) and {@link
 * NodeConfigToml} (writing a file back).
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
    return NodeSettings.SETTINGS.stream()
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
      return SettingResolver.resolve(Optional.empty(), DEFAULTS_SOURCE, null, env, overrides);
    }
    Path path = file.get();
    ConfigResult<String> text = ConfigText.read(path);
    if (!text.isValid()) {
      // Still check the other layers, so that one run shows everything to fix.
      ConfigResult<NodeConfig> rest =
          SettingResolver.resolve(
              Optional.empty(), path.toString(), path.getParent(), env, overrides);
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
    TomlInput.Parsed parsed = TomlInput.parse(toml, source);
    if (parsed.table().isEmpty()) {
      // Still check the other layers, so that one run shows everything to fix.
      List<ConfigProblem> syntax = new ArrayList<>(parsed.problems());
      ConfigResult<NodeConfig> rest =
          SettingResolver.resolve(Optional.empty(), source, baseDir, env, overrides);
      syntax.addAll(rest.problems());
      return ConfigResult.invalid(syntax);
    }
    return SettingResolver.resolve(parsed.table(), source, baseDir, env, overrides);
  }

  /** Most '[' and '{' characters a config file may hold (see {@link TomlInput}). */
  static final int MAX_BRACKETS = TomlInput.MAX_BRACKETS;

  /**
   * The TOML text of {@code config} for a file in {@code baseDir}: paths are written relative to
   * it, so that {@link #load} of the written file gives back {@code config}.
   */
  public static String toToml(NodeConfig config, Path baseDir) {
    return NodeConfigToml.toToml(config, baseDir);
  }
}
