package org.learnchain.config;

import static org.learnchain.config.NodeSettings.API_TOKEN_FILE;
import static org.learnchain.config.NodeSettings.DATA_DIR;
import static org.learnchain.config.NodeSettings.GENESIS_FILE;
import static org.learnchain.config.NodeSettings.KEY_FILE;
import static org.learnchain.config.NodeSettings.LOG_LEVEL_SETTING;

import java.nio.file.Path;
import java.util.stream.Collectors;
import org.tomlj.Toml;

/** Writes a {@link NodeConfig} as TOML that {@link NodeConfigLoader#load} reads back equal. */
final class NodeConfigToml {
  private NodeConfigToml() {}

  /**
   * The TOML text of {@code config} for a file in {@code baseDir}: paths are written relative to
   * it, so that {@link #load} of the written file gives back {@code config}.
   */
  static String toToml(NodeConfig config, Path baseDir) {
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
    if (config.p2p().maxFrameBytes() != NodeConfig.P2p.DEFAULT_MAX_FRAME_BYTES) {
      line(sb, "max-frame-bytes", Integer.toString(config.p2p().maxFrameBytes()));
    }
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
