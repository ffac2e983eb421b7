package org.learnchain.config;

import static org.learnchain.config.NodeConfigLoader.DEFAULT_EXPLORER_PORT;
import static org.learnchain.config.NodeConfigLoader.DEFAULT_GRPC_PORT;
import static org.learnchain.config.NodeConfigLoader.DEFAULT_HOST;
import static org.learnchain.config.NodeConfigLoader.DEFAULT_METRICS_PORT;
import static org.learnchain.config.NodeConfigLoader.DEFAULT_P2P_PORT;
import static org.learnchain.config.SettingKinds.BOOL;
import static org.learnchain.config.SettingKinds.CPU_VARIANT;
import static org.learnchain.config.SettingKinds.FRAME_BYTES;
import static org.learnchain.config.SettingKinds.HOST;
import static org.learnchain.config.SettingKinds.LOG_LEVEL;
import static org.learnchain.config.SettingKinds.OPTIONAL_HOST;
import static org.learnchain.config.SettingKinds.PATH;
import static org.learnchain.config.SettingKinds.PEERS;
import static org.learnchain.config.SettingKinds.PORT;
import static org.learnchain.config.SettingKinds.THREADS;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.learnchain.config.SettingKinds.Kind;

/**
 * Every node setting: its key, kind, default and description, in file order, and the TOML tables
 * they make up. Adding a setting is one constant here, one line in {@link #SETTINGS}, and its place
 * in {@link SettingResolver#build} and {@link NodeConfigToml}. Part of {@link NodeConfigLoader}.
 */
final class NodeSettings {
  private NodeSettings() {}

  /** One setting: its key, how its text and TOML forms are read, and its default as text. */
  record Setting<T>(String key, Kind<T> kind, String defaultText, String description) {
    String envVar() {
      return NodeConfigLoader.envVarOf(key);
    }
  }

  static final Setting<Path> DATA_DIR =
      new Setting<>("data-dir", PATH, "data", "database and blob directory");
  static final Setting<Path> GENESIS_FILE =
      new Setting<>("genesis-file", PATH, "genesis.json", "the chain's genesis file");
  static final Setting<Path> KEY_FILE =
      new Setting<>("key-file", PATH, "node.key", "the node's encrypted keystore");
  static final Setting<Path> API_TOKEN_FILE =
      new Setting<>("api-token-file", PATH, "api.token", "file holding the gRPC API token");
  static final Setting<NodeConfig.LogLevel> LOG_LEVEL_SETTING =
      new Setting<>("log-level", LOG_LEVEL, "info", "error, warn, info, debug or trace");
  static final Setting<String> P2P_HOST =
      new Setting<>("p2p.host", HOST, DEFAULT_HOST, "peer-to-peer listen address");
  static final Setting<Integer> P2P_PORT =
      new Setting<>(
          "p2p.port", PORT, Integer.toString(DEFAULT_P2P_PORT), "peer-to-peer listen port");
  static final Setting<List<HostPort>> P2P_BOOTNODES =
      new Setting<>("p2p.bootnodes", PEERS, "", "peers to dial at start, HOST:PORT");
  static final Setting<Optional<String>> P2P_ADVERTISED_HOST =
      new Setting<>(
          "p2p.advertised-host",
          OPTIONAL_HOST,
          "",
          "host the other members dial to reach this node (default: p2p.host; set it when"
              + " p2p.host is 0.0.0.0)");
  static final Setting<Integer> P2P_MAX_FRAME_BYTES =
      new Setting<>(
          "p2p.max-frame-bytes",
          FRAME_BYTES,
          Integer.toString(NodeConfig.P2p.DEFAULT_MAX_FRAME_BYTES),
          "largest p2p frame; must carry the chain's largest block (docs/chain-spec.md)");
  static final Setting<String> GRPC_HOST =
      new Setting<>("grpc.host", HOST, DEFAULT_HOST, "gRPC API listen address");
  static final Setting<Integer> GRPC_PORT =
      new Setting<>("grpc.port", PORT, Integer.toString(DEFAULT_GRPC_PORT), "gRPC API port");
  static final Setting<Boolean> METRICS_ENABLED =
      new Setting<>("metrics.enabled", BOOL, "true", "serve Prometheus metrics");
  static final Setting<String> METRICS_HOST =
      new Setting<>("metrics.host", HOST, DEFAULT_HOST, "metrics listen address");
  static final Setting<Integer> METRICS_PORT =
      new Setting<>(
          "metrics.port", PORT, Integer.toString(DEFAULT_METRICS_PORT), "metrics listen port");
  static final Setting<Boolean> EXPLORER_ENABLED =
      new Setting<>("explorer.enabled", BOOL, "true", "serve the read-only web explorer");
  static final Setting<String> EXPLORER_HOST =
      new Setting<>("explorer.host", HOST, DEFAULT_HOST, "web explorer listen address");
  static final Setting<Integer> EXPLORER_PORT =
      new Setting<>(
          "explorer.port", PORT, Integer.toString(DEFAULT_EXPLORER_PORT), "web explorer port");
  static final Setting<Integer> ML_THREADS =
      new Setting<>("ml.threads", THREADS, "1", "threads for training and inference");
  static final Setting<String> ML_CPU_VARIANT =
      new Setting<>(
          "ml.cpu-variant", CPU_VARIANT, "auto", "ND4J native build: generic, avx2, avx512, auto");

  static final List<Setting<?>> SETTINGS =
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
          P2P_MAX_FRAME_BYTES,
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

  static final Map<String, Setting<?>> BY_KEY =
      SETTINGS.stream()
          .collect(
              Collectors.toMap(Setting::key, Function.identity(), (a, b) -> a, LinkedHashMap::new));

  /** Top-level TOML tables and the keys each may hold. */
  static final Map<String, List<String>> TABLES = tables();

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
}
