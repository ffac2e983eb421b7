package org.learnchain.ml.train;

/**
 * Receives a training search's progress, on the training thread: implementations must be quick and
 * must not throw.
 */
@FunctionalInterface
public interface ProgressListener {
  void onProgress(TrainingProgress progress);

  /** A listener that ignores everything. */
  static ProgressListener none() {
    return p -> {};
  }
}
