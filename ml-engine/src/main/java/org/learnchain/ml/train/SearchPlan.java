package org.learnchain.ml.train;

/**
 * Bounds of the model search that do not depend on time. With the same seed, data, problem and
 * plan, the search makes the same choices and returns the same model bytes, unless the time budget
 * ends it first ({@link TrainedModel#budgetBound()} says so).
 *
 * @param maxCandidates most model candidates tried, in the fixed family order
 * @param maxEpochs most epochs per candidate
 * @param patience epochs without a better validation score before a candidate stops early
 * @param validationFraction share of the training set held out to score epochs and candidates
 */
public record SearchPlan(
    int maxCandidates, int maxEpochs, int patience, double validationFraction) {
  public SearchPlan {
    if (maxCandidates < 1 || maxEpochs < 1 || patience < 1) {
      throw new IllegalArgumentException("candidate, epoch and patience counts must be positive");
    }
    if (!(validationFraction > 0 && validationFraction < 0.5)) {
      throw new IllegalArgumentException("validation fraction must be in (0, 0.5)");
    }
  }

  /**
   * Every family, up to 400 epochs each (tabular candidates plan their own count below that, from
   * their minibatch steps), patience 25, 20% validation: the time budget decides.
   */
  public static SearchPlan defaults() {
    return new SearchPlan(16, 400, 25, 0.2);
  }

  public SearchPlan withMaxCandidates(int n) {
    return new SearchPlan(n, maxEpochs, patience, validationFraction);
  }

  public SearchPlan withMaxEpochs(int n) {
    return new SearchPlan(maxCandidates, n, patience, validationFraction);
  }
}
