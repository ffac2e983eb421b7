package org.learnchain.ml.train;

import java.time.Duration;
import org.learnchain.crypto.Hash;
import org.learnchain.ml.model.LoadedModel;

/**
 * The search's best model.
 *
 * @param model the loaded model, ready for inference; its bytes passed {@code ModelLoader}
 * @param family the winning candidate's family
 * @param learningRate the winning candidate's learning rate
 * @param epochs epochs the winning candidate trained before its best validation score
 * @param validationScore its validation score with the problem's metric
 * @param candidatesTrained candidates that trained at least one epoch
 * @param samplesTrained training samples processed over all candidates and epochs
 * @param stepTime time spent in training steps (forward and backward passes, updates)
 * @param budgetBound whether the time budget ended the search (if so, another run with the same
 *     seed may stop elsewhere and return different bytes)
 * @param elapsed wall time used
 */
public record TrainedModel(
    byte[] bytes,
    LoadedModel model,
    String family,
    double learningRate,
    int epochs,
    double validationScore,
    int candidatesTrained,
    long samplesTrained,
    Duration stepTime,
    boolean budgetBound,
    Duration elapsed) {

  public TrainedModel {
    bytes = bytes.clone();
  }

  /** The canonical model bytes, as they go on chain. */
  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** SHA-256 of {@link #bytes()}. */
  public Hash hash() {
    return model.hash();
  }
}
