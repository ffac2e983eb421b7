package org.learnchain.node.cli;

import org.learnchain.node.cli.admin.AdminAccountCommand;
import org.learnchain.node.cli.admin.AdminBlockCommand;
import org.learnchain.node.cli.admin.AdminBlocksCommand;
import org.learnchain.node.cli.admin.AdminCommand;
import org.learnchain.node.cli.admin.AdminPeersAllowCommand;
import org.learnchain.node.cli.admin.AdminPeersCommand;
import org.learnchain.node.cli.admin.AdminPeersDeniedCommand;
import org.learnchain.node.cli.admin.AdminPeersDenyCommand;
import org.learnchain.node.cli.admin.AdminRewardsCommand;
import org.learnchain.node.cli.admin.AdminRoundCommand;
import org.learnchain.node.cli.admin.AdminStatusCommand;
import org.learnchain.node.cli.admin.AdminVerifyBlockCommand;
import org.learnchain.node.cli.bench.BenchCommand;
import org.learnchain.node.cli.bench.BenchConsensusCommand;
import org.learnchain.node.cli.bench.BenchLedgerCommand;
import org.learnchain.node.cli.bench.BenchMlCommand;
import org.learnchain.node.cli.bench.BenchP2pCommand;
import org.learnchain.node.cli.bench.BenchQualityCommand;
import org.learnchain.node.cli.bench.BenchSyncCommand;
import org.learnchain.node.cli.bench.BenchTxCommand;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.node.cli.common.ExitCodes;
import org.learnchain.node.cli.config.ConfigCommand;
import org.learnchain.node.cli.config.ConfigValidateCommand;
import org.learnchain.node.cli.devnet.DevnetCommand;
import org.learnchain.node.cli.keys.KeysCommand;
import org.learnchain.node.cli.keys.KeysNewCommand;
import org.learnchain.node.cli.node.NodeCommand;
import org.learnchain.node.cli.problem.ProblemCommand;
import org.learnchain.node.cli.problem.ProblemLeaderboardCommand;
import org.learnchain.node.cli.problem.ProblemModelCommand;
import org.learnchain.node.cli.problem.ProblemPredictCommand;
import org.learnchain.node.cli.problem.ProblemStatusCommand;
import org.learnchain.node.cli.problem.ProblemSubmitCommand;
import org.learnchain.node.cli.problem.ProblemWatchCommand;
import org.learnchain.node.cli.simulate.SimulateCommand;
import org.learnchain.node.cli.testnet.TestnetCommand;
import org.learnchain.node.cli.testnet.TestnetInitCommand;
import org.learnchain.node.cli.tx.TxCommand;
import org.learnchain.node.cli.tx.TxDelegateCommand;
import org.learnchain.node.cli.tx.TxStakeCommand;
import org.learnchain.node.cli.tx.TxTransferCommand;
import org.learnchain.node.cli.tx.TxUndelegateCommand;
import org.learnchain.node.cli.tx.TxUnstakeCommand;
import org.learnchain.node.support.VersionProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code learnchain} command. Each verb is a small class registered in {@link #create}; groups
 * ({@code keys}, {@code config}) only hold their verbs. Commands print results to stdout and
 * reasons for failure to stderr, one line each, and exit 0 on success, 1 on failure and 2 on a
 * usage error.
 */
@Command(
    name = "learnchain",
    // Subcommands inherit --help, --version and the exit code list.
    scope = CommandLine.ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "A permissioned blockchain whose blocks are earned by training models.",
    synopsisSubcommandLabel = "COMMAND",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:failure (reason on stderr)", "2:usage error"})
public final class LearnchainCommand {
  /** Exit code of a command that could not do its job; the reason is on stderr. */
  public static final int EXIT_FAILURE = ExitCodes.FAILURE;

  /** Exit code of a command line that could not be parsed. */
  public static final int EXIT_USAGE = ExitCodes.USAGE;

  /**
   * Picocli checks a parent's required options even when one of its subcommands runs, so {@code
   * admin peers deny KEY --node ...} would demand a second {@code --node} before {@code deny}. The
   * parent's {@code --node} becomes optional here; {@code ClientCommand} still refuses to run
   * without it.
   */
  private static CommandLine nodeOptional(CommandLine parent) {
    CommandLine.Model.CommandSpec spec = parent.getCommandSpec();
    CommandLine.Model.OptionSpec node = spec.findOption("--node");
    spec.remove(node);
    spec.addOption(CommandLine.Model.OptionSpec.builder(node).required(false).build());
    return parent;
  }

  /** The command tree, wired to {@code ctx}'s output and error writers. */
  public static CommandLine create(CliContext ctx) {
    CommandLine root = new CommandLine(new LearnchainCommand());
    root.addSubcommand(new CommandLine(new KeysCommand()).addSubcommand(new KeysNewCommand(ctx)));
    root.addSubcommand(
        new CommandLine(new ConfigCommand()).addSubcommand(new ConfigValidateCommand(ctx)));
    root.addSubcommand(
        new CommandLine(new BenchCommand())
            .addSubcommand(new BenchLedgerCommand(ctx))
            .addSubcommand(new BenchConsensusCommand(ctx))
            .addSubcommand(new BenchMlCommand(ctx))
            .addSubcommand(new BenchP2pCommand(ctx))
            .addSubcommand(new BenchQualityCommand(ctx))
            .addSubcommand(new BenchSyncCommand(ctx, LearnchainCommand::run))
            .addSubcommand(new BenchTxCommand(ctx, LearnchainCommand::run)));
    root.addSubcommand(new SimulateCommand(ctx));
    root.addSubcommand(new DevnetCommand(ctx));
    root.addSubcommand(
        new CommandLine(new TestnetCommand()).addSubcommand(new TestnetInitCommand(ctx)));
    root.addSubcommand(new NodeCommand(ctx));
    root.addSubcommand(
        new CommandLine(new AdminCommand())
            .addSubcommand(new AdminStatusCommand(ctx))
            .addSubcommand(
                nodeOptional(new CommandLine(new AdminPeersCommand(ctx)))
                    .addSubcommand(new AdminPeersDenyCommand(ctx))
                    .addSubcommand(new AdminPeersAllowCommand(ctx))
                    .addSubcommand(new AdminPeersDeniedCommand(ctx)))
            .addSubcommand(new AdminRoundCommand(ctx))
            .addSubcommand(new AdminBlocksCommand(ctx))
            .addSubcommand(new AdminBlockCommand(ctx))
            .addSubcommand(new AdminAccountCommand(ctx))
            .addSubcommand(new AdminRewardsCommand(ctx))
            .addSubcommand(new AdminVerifyBlockCommand(ctx)));
    root.addSubcommand(
        new CommandLine(new ProblemCommand())
            .addSubcommand(new ProblemSubmitCommand(ctx))
            .addSubcommand(new ProblemStatusCommand(ctx))
            .addSubcommand(new ProblemWatchCommand(ctx))
            .addSubcommand(new ProblemModelCommand(ctx))
            .addSubcommand(new ProblemPredictCommand(ctx))
            .addSubcommand(new ProblemLeaderboardCommand(ctx)));
    root.addSubcommand(
        new CommandLine(new TxCommand())
            .addSubcommand(new TxTransferCommand(ctx))
            .addSubcommand(new TxStakeCommand(ctx))
            .addSubcommand(new TxUnstakeCommand(ctx))
            .addSubcommand(new TxDelegateCommand(ctx))
            .addSubcommand(new TxUndelegateCommand(ctx)));
    // Settings below reach every subcommand added above; keep them after the last addSubcommand.
    root.setOut(ctx.out());
    root.setErr(ctx.err());
    root.setCaseInsensitiveEnumValuesAllowed(true);
    root.setUsageHelpAutoWidth(true);
    // Arguments are taken literally: no picocli @file expansion behind the user's back.
    root.setExpandAtFiles(false);
    root.setParameterExceptionHandler(new CliErrorHandlers.ParameterErrors(ctx.err()));
    root.setExecutionExceptionHandler(new CliErrorHandlers.ExecutionErrors(ctx.err()));
    return root;
  }

  /** Runs one command line and returns its exit code. */
  public static int run(CliContext ctx, String... args) {
    try {
      return create(ctx).execute(args);
    } finally {
      ctx.out().flush();
      ctx.err().flush();
    }
  }

  public static void main(String[] args) {
    System.exit(run(CliContext.system(), args));
  }
}
