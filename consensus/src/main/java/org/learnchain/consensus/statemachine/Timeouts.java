package org.learnchain.consensus.statemachine;

import org.learnchain.config.RoundDurations;

/**
 * How long a node waits in each step of a consensus round (docs/consensus.md). Every wait grows
 * with the round number, so once messages arrive within a bounded delay some round lasts long
 * enough for a correct proposer's block and the votes on it to reach everyone (liveness). The base
 * is the chain's award phase: the time a winner has to publish its block, which is also the scale
 * at which a useful-work block travels and is re-verified.
 */
public record Timeouts(RoundDurations durations) {

  private long base() {
    return Math.max(durations.awardMs(), 2L * durations.idleBlockMs());
  }

  /** How long a round waits for its proposal, from the round's start. */
  public long propose(int round) {
    return base() + round * (base() / 2);
  }

  /** How long a round waits after seeing a quorum of mixed prevotes or precommits. */
  public long vote(int round) {
    return base() / 2 + round * (base() / 4);
  }
}
