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
   * A timeout this node scheduled at {@code height} on top of {@code parent}, for consensus round
   * {@code bftRound} where the phase has one; stale once the height is decided.
   */
  record Timeout(long height, Hash parent, Phase phase, int bftRound) implements Event {}

  /** The training set of the round's problem arrived (or could not be fetched). */
  record TrainingSetFetched(long height, Hash problemId, Result<Bytes> trainingSet)
      implements Event {}

  /** This node's training for the round's problem finished. */
  record TrainingFinished(long height, Hash problemId, Result<TrainedModel> model)
      implements Event {}

  /** A re-check of proposals whose block's timestamp was ahead of this node's clock. */
  record Recheck() implements Event {}

  /** The points of a round at which a node acts on its own. */
  enum Phase {
    /** Commits close; the submitter reveals the test inputs. */
    TRAINING_DEADLINE,
    /** Prediction commits close; the submitter reveals labels and certifies the ranking. */
    EVALUATION_DEADLINE,
    /** This node proposes in round {@code bftRound} once blocks of its kind may be made. */
    PROPOSER_ACT,
    /** Round {@code bftRound} had no acceptable proposal in time: prevote nil. */
    PROPOSE_TIMEOUT,
    /** Round {@code bftRound} saw a quorum of prevotes but none for one block in time. */
    PREVOTE_TIMEOUT,
    /** Round {@code bftRound} saw a quorum of precommits but no commit in time: next round. */
    PRECOMMIT_TIMEOUT,
    /**
     * Round {@code bftRound} is still undecided: send this node's messages of the round again, for
     * peers that lost them (a partition, a restart).
     */
    REBROADCAST
  }
}
