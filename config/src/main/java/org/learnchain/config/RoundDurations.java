package org.learnchain.config;

/**
 * Phase lengths of a round, counted from the timestamp of the previous block (docs/protocol.md
 * section 3).
 *
 * @param trainingMs time miners have to train and commit
 * @param evaluationMs time after the test reveal for prediction commits
 * @param awardMs time after the label reveal for the certificate and the winner's block
 * @param idleBlockMs delay before the round-robin validator builds a block when no problem is
 *     pending
 */
public record RoundDurations(long trainingMs, long evaluationMs, long awardMs, long idleBlockMs) {
  /**
   * Starting values for a small network: 30 s of training (an MLP on MNIST trains several epochs in
   * that time on 2 cores, docs/platform-notes.md), 10 s each for evaluation and award, 5 s idle
   * blocks.
   */
  public static RoundDurations defaults() {
    return new RoundDurations(30_000, 10_000, 10_000, 5_000);
  }
}
