package org.learnchain.node.explorer;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.learnchain.config.ModelLimits;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Keystore;
import org.learnchain.ml.MlRuntime;
import org.learnchain.node.LearnchainNode;
import org.learnchain.node.NodeOptions;
import org.learnchain.node.cli.LearnchainCommand;
import org.learnchain.node.cli.Ports;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.node.cli.node.NodeLauncher;
import org.learnchain.node.problem.BuiltinProblem;
import org.learnchain.node.problem.ProblemSubmitter;
import org.learnchain.node.support.Directories;

/**
 * Real nodes in this JVM built from {@code testnet init} files (RocksDB, Netty p2p, DL4J, gRPC,
 * Prometheus metrics and the explorer on their P+10i+k ports) with short rounds, and node 0 funding
 * the iris problem shipped in ml-engine's resources, for the explorer and monitoring tests.
 */
final class LiveTestnet implements AutoCloseable {
  private static final Map<String, String> ENV = Map.of("LEARNCHAIN_PASSWORD", "explorer-test");

  final Path dir;
  final int base;
  final List<LearnchainNode> nodes = new ArrayList<>();

  LiveTestnet(int count, String roundMs) throws Exception {
    dir = Files.createTempDirectory("learnchain-explorer-test");
    base = Ports.freeBase(count);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        LearnchainCommand.run(
            new CliContext(
                ENV,
                new PrintWriter(out),
                new PrintWriter(err),
                new Keystore(10, new SecureRandom()),
                new SecureRandom()),
            "testnet",
            "init",
            "--nodes",
            Integer.toString(count),
            "--dir",
            dir.toString(),
            "--base-port",
            Integer.toString(base),
            "--round-ms",
            roundMs);
    if (code != 0) {
      throw new IllegalStateException("testnet init failed: " + err);
    }
    MlRuntime ml = MlRuntime.start(1);
    try {
      for (int i = 0; i < count; i++) {
        var p =
            NodeLauncher.prepare(
                    dir.resolve("node" + i).resolve("config.toml"), Map.of(), null, ENV)
                .value();
        LearnchainNode n =
            new LearnchainNode(
                p.config(),
                p.genesis(),
                p.key(),
                ml,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                p.token(),
                NodeOptions.production().withShutdownHook(false));
        nodes.add(n);
        n.start();
      }
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  int grpcPort(int i) {
    return base + 10 * i + 1;
  }

  int metricsPort(int i) {
    return base + 10 * i + 2;
  }

  int explorerPort(int i) {
    return base + 10 * i + 3;
  }

  String explorerUrl(int i) {
    return "http://127.0.0.1:" + explorerPort(i) + "/";
  }

  /** Node 0 funds the iris problem; a miner wins it a round or two later. */
  Hash fundIris(long bounty) {
    BuiltinProblem p = BuiltinProblem.load("iris", ModelLimits.defaults()).orElseThrow().value();
    ProblemSubmitter.Outcome o =
        nodes.get(0).submitter().submit(p.spec(), p.train(), p.test(), bounty);
    if (o instanceof ProblemSubmitter.Accepted a) {
      return a.problemId();
    }
    throw new IllegalStateException("node 0 could not fund the problem: " + o);
  }

  @Override
  public void close() throws Exception {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).stop();
    }
    Directories.deleteRecursively(dir);
  }
}
