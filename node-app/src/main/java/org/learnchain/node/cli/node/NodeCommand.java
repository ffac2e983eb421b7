package org.learnchain.node.cli.node;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.learnchain.ml.MlRuntime;
import org.learnchain.node.LearnchainNode;
import org.learnchain.node.NodeOptions;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.node.cli.common.CliResult;
import org.learnchain.node.cli.common.ExitCodes;
import org.learnchain.node.cli.common.LogLevels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code learnchain node}: runs one full node in the foreground until SIGTERM or Ctrl-C, which stop
 * it cleanly (API first, then consensus, network, and the store last).
 */
@Command(
    name = "node",
    description = {
      "Run a full node from a config file (learnchain testnet init writes them).",
      "Settings: the TOML file, overridden by LEARNCHAIN_* environment variables, overridden by",
      "options. The keystore password comes from --password-file or LEARNCHAIN_PASSWORD.",
      "Runs until SIGTERM or Ctrl-C, then stops cleanly."
    })
public final class NodeCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "config.toml")
  private Path configFile;

  @Option(
      names = "--bootnodes",
      paramLabel = "HOST:PORT,...",
      description = "peers to dial at start (replaces p2p.bootnodes)")
  private String bootnodes;

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description = "file holding the keystore password (default: LEARNCHAIN_PASSWORD)")
  private Path passwordFile;

  public NodeCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    Map<String, String> overrides = new HashMap<>();
    if (bootnodes != null) {
      overrides.put("p2p.bootnodes", bootnodes);
    }
    CliResult<NodeLauncher.Prepared> prepared =
        NodeLauncher.prepare(configFile, overrides, passwordFile, ctx.env());
    if (!prepared.isOk()) {
      ctx.err().println("error: " + prepared.error());
      return ExitCodes.FAILURE;
    }
    NodeLauncher.Prepared p = prepared.value();
    LogLevels.setRoot(p.config().logLevel().name());
    // Before the backend loads: the native build is fixed for the life of the process.
    org.learnchain.ml.Result<String> variant =
        MlRuntime.selectCpuVariant(p.config().ml().cpuVariant());
    if (!variant.isOk()) {
      ctx.err().println("error: " + variant.reason());
      return ExitCodes.FAILURE;
    }
    MlRuntime ml = MlRuntime.start(p.config().ml().threads());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    LearnchainNode node =
        new LearnchainNode(
            p.config(),
            p.genesis(),
            p.key(),
            ml,
            registry,
            p.token(),
            NodeOptions.production().withMaxFrameBytes(p.config().p2p().maxFrameBytes()));
    node.start();
    ctx.out()
        .println(
            "node running address="
                + p.key().publicKey().address().toHex()
                + " p2p="
                + node.p2pAddress()
                + node.apiPort()
                    .map(port -> " grpc=" + p.config().grpc().host() + ":" + port)
                    .orElse("")
                + " data="
                + p.config().dataDir());
    ctx.out().flush();
    node.awaitStopped();
    return 0;
  }
}
