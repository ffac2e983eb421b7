package org.learnchain.consensus.statemachine;

import org.learnchain.consensus.message.CommitCertificate;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Block;

/**
 * Where this node stands: the latest committed block, its commit, and the height being decided. One
 * object shared by the parts of the state machine (the agreement rules, message routing, proposal
 * building, catch-up), all on the consensus thread, so each reads the same position instead of its
 * own view of it. Only {@link RoundStateMachine} moves it (at start and when a height is decided);
 * {@link Inbox} adds late precommits to {@link #lastCommit}.
 */
final class Position {
  /** The latest committed block; null before the state machine starts. */
  Block head;

  /** The commit of {@link #head} (the parent commit the next block carries), or null. */
  CommitCertificate lastCommit;

  /** The useful-work round of the height being decided. */
  RoundState round;

  /** The agreement's state at the height being decided. */
  HeightState cur;

  /** Whether the useful-work round under way is of {@code height} and {@code problemId}. */
  boolean roundIs(long height, Hash problemId) {
    return round != null
        && round.height == height
        && round.problem.isPresent()
        && round.problem.get().id().equals(problemId);
  }

  /** The height being decided (the one above the head before the first height starts). */
  long height() {
    return cur == null ? head.height() + 1 : cur.height;
  }
}
