package org.learnchain.consensus.port;

import java.util.concurrent.CompletionStage;
import org.learnchain.config.ModelLimits;
import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.Verdict;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PublicKey;

/**
 * Machine learning as consensus sees it: opaque model bytes, opaque predictions and a score. The
 * node-app adapts it to ml-engine (DL4J); consensus tests and the paper simulation use plain-Java
 * trainers behind the same interface. The problem {@code spec} is ml-engine's canonical problem
 * description (input shape, classes, metric, limits), opaque here.
 *
 * <p>Determinism contract: {@link #score} must give bit-identical results on every node for the
 * same inputs (every peer recomputes the ranking from it), and {@link #verify} must accept a model
 * whose recomputed outputs differ from the committed ones by no more than the tolerance, because
 * another CPU or GPU changes output bits (docs/protocol.md section 5).
 */
public interface MlPort {

  /**
   * Trains a model for a problem, finishing before {@link TrainingTask#deadlineMs()} (simulated or
   * real time). Long-running: the completion may run on any thread; the node turns it into an
   * event. Completes with an error result when training is impossible (bad spec, bad data); never
   * exceptionally for bad input.
   */
  CompletionStage<Result<TrainedModel>> train(TrainingTask task);

  /**
   * Runs {@code model} on the revealed test inputs; the result is the committed prediction bytes.
   */
  Result<Bytes> predict(Bytes spec, Bytes model, Bytes testInputs);

  /**
   * Checks a published model: first that it respects the chain's and the problem's limits (from its
   * configuration, before anything is allocated for it), then that running it on {@code testInputs}
   * reproduces {@code committedPredictions} within {@code tolerance}. The model hash has already
   * been checked by the caller.
   *
   * @return valid, or the reason the model is invalid
   */
  Verdict verify(
      Bytes spec,
      ModelLimits limits,
      Bytes model,
      Bytes testInputs,
      Bytes committedPredictions,
      double tolerance);

  /**
   * Scores committed predictions against the revealed labels with the problem's metric. Higher is
   * better: a metric where lower is better (squared error) is returned negated. An error result
   * (malformed predictions, wrong count) excludes that miner from the ranking.
   */
  Result<Double> score(Bytes spec, Bytes predictions, Bytes labels, int sampleCount);

  /**
   * What a miner trains on.
   *
   * @param round the round (= block height) being mined
   * @param problemId the problem's id (its SubmitProblem transaction hash)
   * @param spec the problem's opaque spec
   * @param trainingSet the training set, already checked against its hash
   * @param deadlineMs the commit deadline: a model finished later is useless
   * @param miner the key that will sign the commitment
   */
  record TrainingTask(
      long round,
      Hash problemId,
      Bytes spec,
      Bytes trainingSet,
      long deadlineMs,
      PublicKey miner) {}

  /** A trained model in its canonical serialization and that serialization's SHA-256. */
  record TrainedModel(Bytes bytes, Hash hash) {
    public static TrainedModel of(Bytes bytes) {
      return new TrainedModel(bytes, bytes.sha256());
    }
  }
}
