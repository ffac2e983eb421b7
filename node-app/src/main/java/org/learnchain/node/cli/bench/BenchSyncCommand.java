package org.learnchain.node.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.learnchain.bench.sync.SyncBench;
import org.learnchain.bench.sync.SyncFigures;
import org.learnchain.bench.tx.BenchException;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.node.cli.common.ExitCodes;
import org.learnchain.node.cli.common.Passwords;
import org.learnchain.node.support.Directories;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code learnchain bench sync}: how fast a node that joins late catches up a chain made by
 * validator processes on loopback, against the time the chain took to make the same blocks. The
 * bench itself is the bench module's {@link SyncBench}; this command gives it the node program.
 */
@Command(
    name = "sync",
    description = {
      "Start --validators node processes on 127.0.0.1 (testnet init, 1 ms idle blocks) and make",
      "a chain of --blocks blocks, --useful of them useful-work blocks (real training on iris),",
      "then start a late node's process connected to --peers of them and time its catch-up:",
      "blocks/s and the ratio of sync time to the time the chain took. Progress on stderr;",
      "data and logs stay in --dir when given, or when the bench fails."
    })
public final class BenchSyncCommand implements Callable<Integer> {
  private final CliContext ctx;
  private final BenchTxCommand.CommandRunner cli;

  @Option(names = "--json", description = "print one JSON object")
  private boolean json;

  @Option(names = "--blocks", paramLabel = "N", description = "blocks to catch up (default 1000)")
  private int blocks = 1000;

  @Option(names = "--validators", paramLabel = "N", description = "validators (default 4)")
  private int validators = 4;

  @Option(
      names = "--peers",
      paramLabel = "N",
      description = "validators the late node syncs from (default 3)")
  private int peers = 3;

  @Option(
      names = "--useful",
      paramLabel = "N",
      description = "useful-work blocks in the chain (default 3)")
  private int useful = 3;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "directory for the nodes (default: a temporary one, removed afterwards)")
  private Path dir;

  @Option(
      names = "--node-java-opts",
      paramLabel = "OPTS",
      defaultValue = "",
      description = "JVM options for each node process, space separated")
  private String nodeJavaOpts;

  public BenchSyncCommand(CliContext ctx, BenchTxCommand.CommandRunner cli) {
    this.ctx = ctx;
    this.cli = cli;
  }

  @Override
  public Integer call() throws IOException {
    if (blocks < 1
        || validators < 2
        || validators > 63
        || peers < 1
        || peers > validators
        || useful < 0) {
      ctx.err()
          .println(
              "error: needs --blocks >= 1, --validators 2..63, 1 <= --peers <= --validators,"
                  + " --useful >= 0");
      return ExitCodes.USAGE;
    }
    boolean temporary = dir == null;
    Path where = temporary ? Files.createTempDirectory("learnchain-syncbench") : dir;
    Map<String, String> env = new HashMap<>(ctx.env());
    char[] pw = new char[24];
    String alphabet = "abcdefghijkmnopqrstuvwxyz23456789";
    for (int i = 0; i < pw.length; i++) {
      pw[i] = alphabet.charAt(ctx.random().nextInt(alphabet.length()));
    }
    env.put(Passwords.ENV_VAR, new String(pw));
    Arrays.fill(pw, '\0');
    List<String> javaOpts =
        nodeJavaOpts.isBlank() ? List.of() : Arrays.asList(nodeJavaOpts.trim().split("\\s+"));
    boolean ok = false;
    try {
      SyncFigures f =
          SyncBench.run(
              new SyncBench.Settings(
                  blocks,
                  validators,
                  peers,
                  useful,
                  where,
                  SyncBench.Settings.defaultMaxChainMs(blocks, useful),
                  javaOpts,
                  Map.copyOf(env),
                  new CliNodeProgram(ctx, cli),
                  ctx.err()));
      ctx.out().println(json ? f.toJson() : f.toText());
      if (!f.agreed()) {
        ctx.err().println("error: the late node did not end on the validators' block and state");
        return ExitCodes.FAILURE;
      }
      ok = true;
      return 0;
    } catch (BenchException e) {
      ctx.err().println("error: bench sync: " + e.getMessage());
      return ExitCodes.FAILURE;
    } finally {
      if (temporary && ok) {
        Directories.deleteRecursively(where);
      } else if (!ok) {
        ctx.err().println("bench sync: node data and logs kept in " + where);
      }
    }
  }
}
