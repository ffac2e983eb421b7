package org.learnchain.ml.train;

import java.time.Duration;
import java.util.Objects;
import org.learnchain.ml.data.Dataset;
import org.learnchain.ml.spec.ProblemSpec;

/**
 * What to train.
 *
 * @param spec the problem (input shape, task, limits)
 * @param train the training set; a validation split is taken from it
 * @param budget wall time the search may use, including building the final model bytes
 * @param seed the search's seed, see {@link TrainingSeed}
 * @param threads cores the training may use
 * @param plan time-independent bounds of the search
 */
public record TrainingRequest(
    ProblemSpec spec, Dataset train, Duration budget, long seed, int threads, SearchPlan plan) {
  public TrainingRequest {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(budget, "budget");
    Objects.requireNonNull(plan, "plan");
    if (budget.isNegative() || budget.isZero()) {
      throw new IllegalArgumentException("budget must be positive");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be positive");
    }
  }

  /** The same request with another plan. */
  public TrainingRequest withPlan(SearchPlan other) {
    return new TrainingRequest(spec, train, budget, seed, threads, other);
  }
}
