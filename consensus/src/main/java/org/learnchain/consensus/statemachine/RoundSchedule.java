package org.learnchain.consensus.statemachine;

import org.learnchain.config.RoundDurations;

/**
 * The deadlines of round {@code height}, all counted from the parent block's timestamp (DESIGN.md
 * section 3). Every node computes the same times from chain data; they differ between nodes only by
 * clock drift.
 *
 * <pre>
 * with a problem:  t0 --trainingMs--> training deadline --evaluationMs--> evaluation deadline
 *                  --awardMs--> award deadline(0) --awardMs--> award deadline(1) ...
 * closing block:   from closingSlot(k) = evaluation deadline + (k+1) * idleBlockMs, by validator k
 * no problem:      idleSlot(k) = t0 + (k+1) * idleBlockMs, by validator k
 * </pre>
 */
public record RoundSchedule(long parentTimestampMs, RoundDurations durations) {

  public long trainingDeadline() {
    return parentTimestampMs + durations.trainingMs();
  }

  public long evaluationDeadline() {
    return trainingDeadline() + durations.evaluationMs();
  }

  /** The block of certificate attempt {@code attempt} is due before this time. */
  public long awardDeadline(int attempt) {
    return evaluationDeadline() + (attempt + 1L) * durations.awardMs();
  }

  /** Earliest timestamp of a useful-work block of {@code attempt}. */
  public long earliestUsefulBlock(int attempt) {
    return attempt == 0 ? evaluationDeadline() : awardDeadline(attempt - 1);
  }

  /** When validator turn {@code k} may build the block of a round without a problem. */
  public long idleSlot(int k) {
    return parentTimestampMs + (k + 1L) * durations.idleBlockMs();
  }

  /**
   * Earliest time validator turn {@code k} may build a closing block (idle or wasted) for a round
   * that had a problem. Honest validators wait longer when the round is still progressing; this is
   * the floor every verifier enforces.
   */
  public long closingSlot(int k) {
    return evaluationDeadline() + (k + 1L) * durations.idleBlockMs();
  }
}
