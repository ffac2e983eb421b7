package org.learnchain.consensus.statemachine;

import org.learnchain.config.RoundDurations;

/**
 * The deadlines of the useful-work round at {@code height}, all counted from the parent block's
 * timestamp (docs/consensus.md). Every node computes the same times from chain data; they differ
 * between nodes only by clock drift.
 *
 * <pre>
 * with a problem:  t0 --trainingMs--> training deadline --evaluationMs--> evaluation deadline
 *                  --awardMs--> award deadline
 *                  useful blocks: from the evaluation deadline; idle or wasted: from the award deadline
 * no problem:      blocks from t0 + idleBlockMs
 * </pre>
 */
public record RoundSchedule(long parentTimestampMs, RoundDurations durations) {

  public long trainingDeadline() {
    return parentTimestampMs + durations.trainingMs();
  }

  public long evaluationDeadline() {
    return trainingDeadline() + durations.evaluationMs();
  }

  /**
   * The end of the award phase: the ranked miners' useful blocks may be proposed from the
   * evaluation deadline on; no idle or wasted block of a problem height before this time.
   */
  public long awardDeadline() {
    return evaluationDeadline() + durations.awardMs();
  }

  /** Earliest timestamp of a useful-work block. */
  public long earliestUsefulBlock() {
    return evaluationDeadline();
  }

  /**
   * Earliest timestamp of a block without useful work at a height with ({@code true}) or without a
   * problem.
   */
  public long earliestFallbackBlock(boolean hasProblem) {
    return hasProblem ? awardDeadline() : parentTimestampMs + durations.idleBlockMs();
  }
}
