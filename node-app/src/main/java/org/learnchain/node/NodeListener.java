package org.learnchain.node;

import java.time.Duration;
import org.learnchain.consensus.ConsensusListener;
import org.learnchain.consensus.message.ConsensusMessage;
import org.learnchain.crypto.Hash;
import org.learnchain.ml.train.TrainingProgress;

/**
 * Everything a running node reports to its status views, metrics, the API's watch streams and the
 * devnet's live output: the consensus events, plus what the node's adapters see (consensus messages
 * in and out, training progress, model verifications).
 *
 * <p>Calls come from the consensus thread, the p2p gossip thread and the training thread:
 * implementations must be quick, thread-safe, and must not call back into the node.
 */
public interface NodeListener extends ConsensusListener {

  /** A consensus message this node accepted from a peer ({@code own == false}) or sent itself. */
  default void consensusMessage(ConsensusMessage message, boolean own) {}

  /** A step of this node's training search for {@code round}. */
  default void trainingProgress(long round, TrainingProgress progress) {}

  /**
   * This node finished training for {@code round}.
   *
   * @param summary the winning candidate, its validation score and the search's throughput
   */
  default void trainingFinished(long round, TrainingSummary summary) {}

  /**
   * A published model was re-run against its committed predictions (block verification).
   *
   * @param reason empty when the model passed, else why it failed
   */
  default void modelVerified(Hash modelHash, Duration elapsed, String reason) {}

  /**
   * A published model passed verification using {@code headroom} of the tolerance: its largest
   * output difference over the tolerance allowed for that output (0 bit-identical, 1 the limit).
   */
  default void verificationHeadroom(Hash modelHash, double headroom) {}

  /**
   * What one training search produced.
   *
   * @param modelHash the canonical model bytes' hash
   * @param family the winning model family, for example {@code mlp-2x256}
   * @param validationScore its score on the held-out part of the training set
   * @param samplesPerSecond training samples processed per second of training steps
   * @param elapsed wall time of the whole search
   */
  record TrainingSummary(
      Hash modelHash,
      String family,
      double validationScore,
      double samplesPerSecond,
      Duration elapsed) {}
}
