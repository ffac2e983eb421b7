package org.learnchain.node.cli.common;

/** The process exit codes every command uses. */
public final class ExitCodes {
  /** The command ran and failed (a refusal, an unreachable node, a bad file). */
  public static final int FAILURE = 1;

  /** The command line itself is wrong. */
  public static final int USAGE = 2;

  private ExitCodes() {}
}
