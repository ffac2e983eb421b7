package org.learnchain.bench.tx;

import java.io.PrintWriter;
import java.util.Map;

/**
 * What {@link LocalTestnet} needs from the node program, which lives above this module: running one
 * of its command lines in-process ({@code testnet init}) and the main class a node process starts
 * from. The CLI's {@code bench tx} command implements it.
 */
public interface NodeProgram {
  /**
   * Runs a {@code learnchain} command line in this process.
   *
   * @param env the environment the command sees
   * @return the command's exit code (0: success)
   */
  int run(Map<String, String> env, PrintWriter out, PrintWriter err, String... args);

  /** The class whose main runs {@code learnchain} (given {@code node --config FILE}). */
  String mainClass();
}
