package org.learnchain.ledger.state;

import java.util.concurrent.ForkJoinPool;

/**
 * When forking work onto the pool pays. Results never depend on it (every parallel path computes
 * exactly what its sequential twin does); only the latency does.
 */
final class Parallelism {
  private Parallelism() {}

  /**
   * True when the pool has more than one worker and none of them is backed up. A task submitted to
   * a pool busy with a long batch (for example the next block's signature checks) would wait behind
   * it, so the caller is better off doing the work itself.
   */
  static boolean spare(ForkJoinPool pool) {
    return pool != null
        && pool.getParallelism() > 1
        && pool.getQueuedSubmissionCount() == 0
        && pool.getQueuedTaskCount() == 0;
  }
}
