package org.learnchain.consensus;

import java.util.Objects;
import org.learnchain.config.Genesis;

/**
 * Consensus settings beside genesis.
 *
 * @param genesis the chain's parameters and membership
 * @param allowSelfMining whether the round's submitter may mine its own problem. The protocol
 *     forbids it (DESIGN.md section 3, step 1; {@link #of(Genesis)}); only the paper's experiment
 *     turns it on, to reproduce the undefended scenarios
 * @param maxClockDriftMs how far ahead of this node's clock a block's timestamp may be before the
 *     block is held until its time
 * @param queueCapacity bound of the inbox lane for peer events
 * @param futureRounds how many rounds ahead of the head messages are kept for later (a node that
 *     lags one block behind still collects the next round's commits)
 */
public record ConsensusConfig(
    Genesis genesis,
    boolean allowSelfMining,
    long maxClockDriftMs,
    int queueCapacity,
    int futureRounds) {
  public ConsensusConfig {
    Objects.requireNonNull(genesis, "genesis");
    if (maxClockDriftMs < 0 || queueCapacity < 1 || futureRounds < 1) {
      throw new IllegalArgumentException("bad consensus settings");
    }
  }

  /** The production settings: no self-mining, 2 s of tolerated clock drift. */
  public static ConsensusConfig of(Genesis genesis) {
    return new ConsensusConfig(genesis, false, 2_000, 10_000, 3);
  }

  public ConsensusConfig withSelfMining(boolean allowed) {
    return new ConsensusConfig(genesis, allowed, maxClockDriftMs, queueCapacity, futureRounds);
  }
}
