package org.learnchain.node.cli.testnet;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.learnchain.config.ConfigProblem;
import org.learnchain.config.Genesis;
import org.learnchain.config.GenesisJson;
import org.learnchain.config.GenesisValidator;
import org.learnchain.config.HostPort;
import org.learnchain.config.Member;
import org.learnchain.config.ModelLimits;
import org.learnchain.config.NodeConfig;
import org.learnchain.config.NodeConfigLoader;
import org.learnchain.config.Rewards;
import org.learnchain.config.Role;
import org.learnchain.config.RoundDurations;
import org.learnchain.crypto.KeystoreException;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.node.api.ApiToken;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.node.cli.common.CliResult;
import org.learnchain.node.cli.common.ExitCodes;
import org.learnchain.node.cli.common.Passwords;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code learnchain testnet init}: a genesis and one directory per node (config, encrypted key, API
 * token) for a network of separate processes on loopback. Node i listens on P+10i (p2p), P+10i+1
 * (gRPC), P+10i+2 (metrics) and P+10i+3 (web explorer) and dials every other node at start.
 */
@Command(
    name = "init",
    description = {
      "Write DIR/genesis.json and DIR/node<i>/{config.toml, node.key, api.token} for N nodes on",
      "127.0.0.1: node i uses ports P+10i (p2p), P+10i+1 (gRPC), P+10i+2 (metrics),",
      "P+10i+3 (web explorer). Every member",
      "is miner, submitter and validator. Keys are encrypted with the password from",
      "--password-file or LEARNCHAIN_PASSWORD. Existing files are never overwritten.",
      "Start each node with: learnchain node --config DIR/node<i>/config.toml"
    })
public final class TestnetInitCommand implements Callable<Integer> {
  static final long BALANCE = 1_000_000_000L;
  static final long STAKE = 10_000L;

  private final CliContext ctx;

  @Option(names = "--nodes", required = true, paramLabel = "N", description = "nodes, 1..64")
  private int nodes;

  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "output directory")
  private Path dir;

  @Option(
      names = "--base-port",
      paramLabel = "P",
      defaultValue = "30300",
      description = "first port (default ${DEFAULT-VALUE})")
  private int basePort;

  @Option(
      names = "--chain-id",
      paramLabel = "ID",
      defaultValue = "learnchain-testnet",
      description = "chain id (default ${DEFAULT-VALUE})")
  private String chainId;

  @Option(
      names = "--round-ms",
      paramLabel = "T,E,A,I",
      split = ",",
      description =
          "training, evaluation, award and idle-block durations in ms (default 30000,10000,10000,5000)")
  private long[] roundMs;

  @Option(
      names = "--container-prefix",
      paramLabel = "NAME",
      description = {
        "write configs for containers named NAME0..NAME<N-1> (compose.yaml): every node uses",
        "ports P, P+1, P+2 in its own container, p2p binds 0.0.0.0 and dials NAMEj:P;",
        "gRPC and metrics stay on the container's loopback"
      })
  private String containerPrefix;

  @Option(
      names = "--validators",
      paramLabel = "V",
      description = {
        "only nodes 0..V-1 are validators (default: every node); the others are miners and",
        "submitters that follow the chain, e.g. full nodes that join later"
      })
  private Integer validators;

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description = "file holding the keystore password (default: LEARNCHAIN_PASSWORD)")
  private Path passwordFile;

  @Option(names = "--json", description = "print one JSON object")
  private boolean json;

  public TestnetInitCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws IOException {
    if (nodes < 1 || nodes > 64) {
      return usage("--nodes must be 1..64, got " + nodes);
    }
    if (containerPrefix != null && !containerPrefix.matches("[a-z][a-z0-9-]{0,30}")) {
      return usage(
          "--container-prefix must be a lower-case host name prefix, got '"
              + containerPrefix
              + "'");
    }
    if (basePort < 1 || basePort + 10L * (nodes - 1) + 3 > 65535) {
      return usage(
          "--base-port " + basePort + " leaves no room for " + nodes + " nodes below 65536");
    }
    RoundDurations rounds = RoundDurations.defaults();
    if (roundMs != null) {
      if (roundMs.length != 4) {
        return usage("--round-ms takes four values: training,evaluation,award,idle");
      }
      rounds = new RoundDurations(roundMs[0], roundMs[1], roundMs[2], roundMs[3]);
    }
    if (validators != null && (validators < 1 || validators > nodes)) {
      return usage("--validators must be 1.." + nodes);
    }
    Path genesisFile = dir.resolve("genesis.json");
    for (Path p : existing(genesisFile)) {
      ctx.err().println("error: " + p + " already exists; testnet init never overwrites");
      return ExitCodes.FAILURE;
    }
    CliResult<char[]> password = Passwords.resolve(passwordFile, ctx.env());
    if (!password.isOk()) {
      ctx.err().println("error: " + password.error());
      return ExitCodes.FAILURE;
    }
    char[] pw = password.value();
    List<PrivateKey> keys = new ArrayList<>();
    try {
      List<Member> members = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        PrivateKey k = PrivateKey.generate(ctx.random());
        keys.add(k);
        EnumSet<Role> roles = EnumSet.allOf(Role.class);
        if (validators != null && i >= validators) {
          roles.remove(Role.VALIDATOR);
        }
        members.add(new Member(k.publicKey(), roles, BALANCE, STAKE));
      }
      Genesis genesis =
          new Genesis(
              chainId,
              System.currentTimeMillis(),
              members,
              rounds,
              Rewards.defaults(),
              Genesis.DEFAULT_PROBLEM_TTL_ROUNDS,
              Genesis.DEFAULT_VERIFICATION_TOLERANCE,
              ModelLimits.defaults(),
              Genesis.DEFAULT_UNBONDING_DELAY_ROUNDS);
      List<ConfigProblem> problems = GenesisValidator.validate(genesis, "--round-ms/--chain-id");
      if (!problems.isEmpty()) {
        return usage(problems.get(0).format());
      }
      Files.createDirectories(dir);
      GenesisJson.write(genesisFile, genesis);
      JsonArray out = new JsonArray();
      for (int i = 0; i < nodes; i++) {
        Path nodeDir = dir.resolve("node" + i);
        Files.createDirectories(nodeDir);
        ctx.keystore().write(nodeDir.resolve("node.key"), keys.get(i), pw);
        ApiToken.generate(ctx.random()).writeNew(nodeDir.resolve("api.token"));
        NodeConfig config = config(nodeDir, genesisFile, i);
        Files.writeString(nodeDir.resolve("config.toml"), NodeConfigLoader.toToml(config, nodeDir));
        JsonObject n = new JsonObject();
        n.addProperty("index", i);
        n.addProperty("address", keys.get(i).publicKey().address().toHex());
        n.addProperty("publicKey", keys.get(i).publicKey().toHex());
        n.addProperty("config", nodeDir.resolve("config.toml").toAbsolutePath().toString());
        n.addProperty("p2p", host(i) + ":" + port(i, 0));
        n.addProperty("grpc", "127.0.0.1:" + port(i, 1));
        n.addProperty("metrics", "127.0.0.1:" + port(i, 2));
        n.addProperty("explorer", "http://127.0.0.1:" + port(i, 3) + "/");
        out.add(n);
      }
      print(genesis, genesisFile, out);
      return 0;
    } catch (KeystoreException e) {
      ctx.err().println("error: " + e.getMessage());
      return ExitCodes.FAILURE;
    } finally {
      Arrays.fill(pw, '\0');
      keys.forEach(PrivateKey::destroy);
    }
  }

  private NodeConfig config(Path nodeDir, Path genesisFile, int i) {
    List<HostPort> bootnodes = new ArrayList<>();
    for (int j = 0; j < nodes; j++) {
      if (j != i) {
        bootnodes.add(new HostPort(host(j), port(j, 0)));
      }
    }
    NodeConfig d = NodeConfigLoader.defaults();
    return new NodeConfig(
        nodeDir.resolve("data"),
        genesisFile,
        nodeDir.resolve("node.key"),
        nodeDir.resolve("api.token"),
        d.logLevel(),
        // In containers the node binds every interface of its own namespace and tells the others
        // to dial it by its container name; 0.0.0.0 in a peer record would send them to themselves.
        new NodeConfig.P2p(
            containerPrefix == null ? "127.0.0.1" : "0.0.0.0",
            port(i, 0),
            bootnodes,
            containerPrefix == null ? Optional.empty() : Optional.of(host(i))),
        new NodeConfig.Grpc("127.0.0.1", port(i, 1)),
        new NodeConfig.Metrics(true, "127.0.0.1", port(i, 2)),
        d.ml(),
        new NodeConfig.Explorer(true, "127.0.0.1", port(i, 3)));
  }

  private int port(int node, int offset) {
    // In containers every node has its own network namespace, so all use the same ports.
    return basePort + (containerPrefix == null ? 10 * node : 0) + offset;
  }

  /** Where node {@code j} is reached by its peers. */
  private String host(int j) {
    return containerPrefix == null ? "127.0.0.1" : containerPrefix + j;
  }

  private List<Path> existing(Path genesisFile) {
    List<Path> out = new ArrayList<>();
    if (Files.exists(genesisFile)) {
      out.add(genesisFile);
    }
    for (int i = 0; i < nodes; i++) {
      Path n = dir.resolve("node" + i);
      if (Files.exists(n)) {
        out.add(n);
      }
    }
    return out;
  }

  private void print(Genesis genesis, Path genesisFile, JsonArray out) {
    if (json) {
      JsonObject o = new JsonObject();
      o.addProperty("chainId", genesis.chainId());
      o.addProperty("genesis", genesisFile.toAbsolutePath().toString());
      o.addProperty("genesisHash", genesis.hash().toHex());
      o.add("nodes", out);
      ctx.out().println(o);
      return;
    }
    ctx.out()
        .println("genesis  " + genesisFile.toAbsolutePath() + " (chain " + genesis.chainId() + ")");
    for (int i = 0; i < out.size(); i++) {
      JsonObject n = out.get(i).getAsJsonObject();
      ctx.out()
          .printf(
              "node%d    %s  p2p %s  grpc %s  metrics %s  explorer %s%n"
                  + "         learnchain node --config %s%n",
              i,
              n.get("address").getAsString(),
              n.get("p2p").getAsString(),
              n.get("grpc").getAsString(),
              n.get("metrics").getAsString(),
              n.get("explorer").getAsString(),
              n.get("config").getAsString());
    }
  }

  private int usage(String message) {
    ctx.err().println("error: " + message);
    return ExitCodes.USAGE;
  }
}
