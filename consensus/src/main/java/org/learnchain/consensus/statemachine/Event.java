package org.learnchain.consensus.statemachine;

import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.port.MlPort.TrainedModel;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.MessageType;

/**
 * Everything that can happen to a node, as seen by its state machine: messages and blocks from
 * peers, timeouts it asked for, and the completion of work it started (fetching a training set,
 * training). The state machine handles one event at a time on one thread.
 */
public sealed interface Event {

  /** The node starts (or restarts): it resumes the round on top of its stored head. */
  record Start() implements Event {}

  /** A consensus message from a peer (untrusted bytes). */
  record MessageReceived(MessageType kind, Bytes payload) implements Event {}

  /** A block from a peer or a sync answer (untrusted bytes, the ledger's encoding). */
  record BlockReceived(Bytes encoded) implements Event {}

  /**
   * A timeout this node scheduled for the round on top of {@code parent}; stale once the head has
   * moved on.
   */
  record Timeout(long height, Hash parent, Phase phase, int attempt) implements Event {}

  /** The training set of the round's problem arrived (or could not be fetched). */
  record TrainingSetFetched(long height, Hash problemId, Result<Bytes> trainingSet)
      implements Event {}

  /** This node's training for the round's problem finished. */
  record TrainingFinished(long height, Hash problemId, Result<TrainedModel> model)
      implements Event {}

  /** A re-check of blocks held because their timestamp was ahead of this node's clock. */
  record HeldBlocksDue() implements Event {}

  /** The points of a round at which a node acts on its own. */
  enum Phase {
    /** Commits close; the submitter reveals the test inputs. */
    TRAINING_DEADLINE,
    /** Prediction commits close; the submitter reveals labels and certifies attempt 0. */
    EVALUATION_DEADLINE,
    /** The block of certificate attempt {@code attempt} is overdue. */
    AWARD_DEADLINE,
    /** The turn of the {@code attempt}-th validator to build an idle or closing block. */
    PROPOSER_SLOT
  }
}
