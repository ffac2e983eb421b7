package org.learnchain.node.cli.node;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.learnchain.config.ConfigProblem;
import org.learnchain.config.ConfigResult;
import org.learnchain.config.Genesis;
import org.learnchain.config.GenesisJson;
import org.learnchain.config.NodeConfig;
import org.learnchain.config.NodeConfigLoader;
import org.learnchain.consensus.Result;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.node.LearnchainNode;
import org.learnchain.node.api.ApiToken;
import org.learnchain.node.cli.common.CliResult;
import org.learnchain.node.cli.common.Passwords;

/**
 * Everything {@code learnchain node} needs before it builds the node, each with a one-line reason
 * when it is missing: the config (file, then environment, then command line), the genesis it names,
 * the decrypted member key and the API token.
 */
public final class NodeLauncher {
  private NodeLauncher() {}

  /** A node's validated inputs. */
  public record Prepared(NodeConfig config, Genesis genesis, PrivateKey key, ApiToken token) {}

  /**
   * @param overrides command-line values by config key (for example {@code p2p.bootnodes})
   * @param passwordFile where the keystore password is, or null for {@code LEARNCHAIN_PASSWORD}
   */
  public static CliResult<Prepared> prepare(
      Path configFile, Map<String, String> overrides, Path passwordFile, Map<String, String> env) {
    ConfigResult<NodeConfig> loaded =
        NodeConfigLoader.load(Optional.of(configFile), env, overrides);
    if (!loaded.isValid()) {
      return CliResult.error(firstProblem(loaded.problems(), configFile));
    }
    NodeConfig config = loaded.value();
    ConfigResult<Genesis> genesis = GenesisJson.read(config.genesisFile());
    if (!genesis.isValid()) {
      return CliResult.error(firstProblem(genesis.problems(), config.genesisFile()));
    }
    // Before the key is unlocked: a node that cannot carry the chain's blocks must not start.
    Optional<String> spec =
        LearnchainNode.checkChainSpec(genesis.value(), config.p2p().maxFrameBytes());
    if (spec.isPresent()) {
      return CliResult.error(
          configFile + ": p2p.max-frame-bytes: " + spec.get() + " in " + config.genesisFile());
    }
    Result<ApiToken> token = ApiToken.read(config.apiTokenFile());
    if (!token.isOk()) {
      return CliResult.error(token.reason());
    }
    CliResult<PrivateKey> key = Passwords.unlock(config.keyFile(), passwordFile, env);
    if (!key.isOk()) {
      return CliResult.error(key.error());
    }
    if (genesis.value().member(key.value().publicKey()).isEmpty()) {
      String address = key.value().publicKey().address().toHex();
      key.value().destroy();
      return CliResult.error(
          config.keyFile()
              + ": key "
              + address
              + " is not a member of the chain in "
              + config.genesisFile());
    }
    return CliResult.ok(new Prepared(config, genesis.value(), key.value(), token.value()));
  }

  private static String firstProblem(List<ConfigProblem> problems, Path file) {
    String first = problems.get(0).format();
    return problems.size() == 1
        ? first
        : first
            + " (and "
            + (problems.size() - 1)
            + " more; see: learnchain config validate "
            + file
            + ")";
  }
}
