package org.learnchain.node.cli.client;

import io.grpc.StatusRuntimeException;
import java.util.concurrent.Callable;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.node.cli.common.CliResult;
import org.learnchain.node.cli.common.ExitCodes;
import picocli.CommandLine.Mixin;

/**
 * The shape of every API client verb: connect to {@code --node}, make the calls, print the result;
 * a failed call is one line on stderr ({@code error: ...}) and exit code 1.
 */
public abstract class ClientCommand implements Callable<Integer> {
  protected final CliContext ctx;

  @Mixin protected ClientOptions options;

  protected ClientCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  /** Whether the verb acts for the node and so needs {@code --token-file}. */
  protected boolean needsToken() {
    return false;
  }

  /** The verb's calls and output; returns the exit code. */
  protected abstract int run(ApiClient client) throws Exception;

  @Override
  public final Integer call() throws Exception {
    if (options.node() == null) {
      return usage("Missing required option: '--node=HOST:PORT'");
    }
    CliResult<ApiClient> client = ApiClient.open(options, needsToken());
    if (!client.isOk()) {
      return fail(client.error());
    }
    try (ApiClient c = client.value()) {
      return run(c);
    } catch (StatusRuntimeException e) {
      return fail(client.value().describe(e));
    }
  }

  protected int fail(String reason) {
    ctx.err().println("error: " + reason);
    return ExitCodes.FAILURE;
  }

  protected int usage(String reason) {
    ctx.err().println("error: " + reason);
    return ExitCodes.USAGE;
  }
}
