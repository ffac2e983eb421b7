package org.learnchain.node.cli.common;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Objects;
import org.learnchain.crypto.Keystore;

/**
 * What the commands get from the outside world, injected so that tests run them in-process with
 * their own environment, captured output and a cheap keystore work factor.
 *
 * @param env the process environment (read for {@code LEARNCHAIN_*} variables only)
 * @param out command output (results, {@code --json} objects)
 * @param err error messages, one line each
 * @param keystore writes encrypted key files
 * @param random source of new keys
 */
public record CliContext(
    Map<String, String> env,
    PrintWriter out,
    PrintWriter err,
    Keystore keystore,
    SecureRandom random) {
  public CliContext {
    env = Map.copyOf(env);
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
    Objects.requireNonNull(keystore, "keystore");
    Objects.requireNonNull(random, "random");
  }

  /** The real process: its environment, stdout, stderr and the default scrypt work factor. */
  public static CliContext system() {
    Charset charset = Charset.defaultCharset();
    return new CliContext(
        System.getenv(),
        new PrintWriter(new OutputStreamWriter(System.out, charset), true),
        new PrintWriter(new OutputStreamWriter(System.err, charset), true),
        new Keystore(),
        new SecureRandom());
  }
}
