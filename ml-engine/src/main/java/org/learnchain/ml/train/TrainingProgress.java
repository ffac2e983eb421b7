package org.learnchain.ml.train;

import java.time.Duration;

/**
 * One step of a training search, for progress displays and logs.
 *
 * @param event what happened
 * @param candidate index of the candidate in the search order, from 0
 * @param family the candidate's model family, for example {@code mlp-2x128} or {@code cnn-8}
 * @param learningRate the candidate's learning rate
 * @param epoch epochs finished by this candidate (0 when it starts)
 * @param validationScore the candidate's latest validation score (NaN before its first epoch)
 * @param bestScore the best validation score of the whole search so far (NaN before any)
 * @param timeLeft budget left
 */
public record TrainingProgress(
    Event event,
    int candidate,
    String family,
    double learningRate,
    int epoch,
    double validationScore,
    double bestScore,
    Duration timeLeft) {

  /** Kinds of progress. */
  public enum Event {
    CANDIDATE_STARTED,
    EPOCH_FINISHED,
    CANDIDATE_FINISHED,
    /** The candidate does not fit the problem's limits, or the budget has no room for it. */
    CANDIDATE_SKIPPED
  }
}
