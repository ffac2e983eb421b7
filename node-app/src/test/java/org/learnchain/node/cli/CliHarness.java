package org.learnchain.node.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.security.SecureRandom;
import java.util.Map;
import org.learnchain.crypto.Keystore;
import org.learnchain.node.cli.common.CliContext;

/**
 * Runs the CLI in-process with a given environment and captured output. Keystores use scrypt N=2^10
 * so that tests stay fast; the file format records N, so they read back normally.
 */
final class CliHarness {
  static final int TEST_SCRYPT_LOG_N = 10;

  /** One run's exit code and output. */
  record Run(int code, String out, String err) {
    /** The stderr lines; a failure must explain itself in exactly one. */
    String[] errLines() {
      return err.isEmpty() ? new String[0] : err.split("\n");
    }
  }

  private CliHarness() {}

  static Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CliContext ctx =
        new CliContext(
            env,
            new PrintWriter(out),
            new PrintWriter(err),
            new Keystore(TEST_SCRYPT_LOG_N, new SecureRandom()),
            new SecureRandom());
    int code = LearnchainCommand.run(ctx, args);
    return new Run(code, out.toString(), err.toString());
  }

  static Run run(String... args) {
    return run(Map.of(), args);
  }
}
