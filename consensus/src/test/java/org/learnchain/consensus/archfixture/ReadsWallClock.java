package org.learnchain.consensus.archfixture;

/** Deliberately breaks the state-machine clock rule; only ArchitectureTest imports it. */
public final class ReadsWallClock {
  private ReadsWallClock() {}

  static long now() throws InterruptedException {
    Thread.sleep(1);
    return System.currentTimeMillis();
  }
}
