package org.learnchain.node.cli.bench;

import java.io.PrintWriter;
import java.util.Map;
import org.learnchain.bench.tx.NodeProgram;
import org.learnchain.node.cli.common.CliContext;

/**
 * The node program as the bench module sees it: this command tree, run in-process with the bench
 * command's keystore and randomness, and the class whose main starts a node process.
 */
final class CliNodeProgram implements NodeProgram {
  // The command tree's main class, by name: this package sits below the tree that registers it.
  private static final String MAIN = "org.learnchain.node.cli.LearnchainCommand";

  private final CliContext ctx;
  private final BenchTxCommand.CommandRunner cli;

  CliNodeProgram(CliContext ctx, BenchTxCommand.CommandRunner cli) {
    this.ctx = ctx;
    this.cli = cli;
  }

  @Override
  public int run(Map<String, String> env, PrintWriter out, PrintWriter err, String... args) {
    return cli.run(new CliContext(env, out, err, ctx.keystore(), ctx.random()), args);
  }

  @Override
  public String mainClass() {
    return MAIN;
  }
}
