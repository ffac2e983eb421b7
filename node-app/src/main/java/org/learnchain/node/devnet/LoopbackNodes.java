package org.learnchain.node.devnet;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.learnchain.config.HostPort;
import org.learnchain.config.NodeConfig;
import org.learnchain.config.NodeConfigLoader;
import org.learnchain.node.api.ApiToken;

/** What the devnet's in-process network gives each of its nodes. */
final class LoopbackNodes {
  private LoopbackNodes() {}

  /**
   * A node on 127.0.0.1 with ephemeral p2p and API ports, no metrics endpoint and one ML thread,
   * keeping its data, key and API token under {@code dir}.
   */
  static NodeConfig config(
      Path dir, Path genesisFile, List<HostPort> bootnodes, NodeConfig.Explorer explorer) {
    return new NodeConfig(
        dir,
        genesisFile,
        dir.resolve("node.key"),
        dir.resolve("api.token"),
        NodeConfigLoader.defaults().logLevel(),
        new NodeConfig.P2p("127.0.0.1", 0, bootnodes),
        new NodeConfig.Grpc("127.0.0.1", 0),
        new NodeConfig.Metrics(false, "127.0.0.1", 0),
        new NodeConfig.Ml(1),
        explorer);
  }

  /** A fresh API token, written to the node's token file (which must not exist yet). */
  static ApiToken newToken(NodeConfig config) throws IOException {
    ApiToken token = ApiToken.generate(new SecureRandom());
    token.writeNew(config.apiTokenFile());
    return token;
  }
}
