package org.learnchain.node.cli;

import java.io.PrintWriter;
import java.util.List;
import org.learnchain.node.cli.common.ExitCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns whatever escapes a command into one line on stderr. The handlers write to the context's
 * error writer rather than the failing subcommand's, so a subcommand registered after the writers
 * were set still reports where the rest does. A user never sees a stack trace; it is logged at
 * debug level for developers ({@code LEARNCHAIN_LOG_LEVEL=debug}).
 */
final class CliErrorHandlers {
  private static final Logger LOG = LoggerFactory.getLogger(CliErrorHandlers.class);

  private CliErrorHandlers() {}

  /** Bad command lines: unknown options, missing parameters, unparsable values. */
  static final class ParameterErrors implements IParameterExceptionHandler {
    private final PrintWriter err;

    ParameterErrors(PrintWriter err) {
      this.err = err;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
      CommandLine cmd = ex.getCommandLine();
      StringBuilder line = new StringBuilder("error: ").append(oneLine(ex.getMessage()));
      if (ex instanceof UnmatchedArgumentException u) {
        List<String> suggestions = u.getSuggestions();
        if (!suggestions.isEmpty()) {
          line.append(" (did you mean ").append(String.join(" or ", suggestions)).append("?)");
        }
      }
      line.append("; see '").append(cmd.getCommandSpec().qualifiedName()).append(" --help'");
      err.println(line);
      err.flush();
      return ExitCodes.USAGE;
    }
  }

  /**
   * Exceptions thrown by a command. Commands report expected failures themselves and return a
   * non-zero code, so what arrives here is an I/O failure or a bug.
   */
  static final class ExecutionErrors implements IExecutionExceptionHandler {
    private final PrintWriter err;

    ExecutionErrors(PrintWriter err) {
      this.err = err;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
      LOG.debug("Command failed command={}", cmd.getCommandSpec().qualifiedName(), ex);
      String message = ex.getMessage();
      String reason =
          message == null || message.isBlank()
              ? "internal error (" + ex.getClass().getSimpleName() + ")"
              : oneLine(message);
      err.println("error: " + reason);
      err.flush();
      return ExitCodes.FAILURE;
    }
  }

  static String oneLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).strip();
  }
}
