package org.learnchain.consensus;

import java.util.Objects;
import org.learnchain.config.Genesis;

/**
 * Consensus settings beside genesis (local to a node; nothing here changes what is valid).
 *
 * @param genesis the chain's parameters and membership
 * @param maxClockDriftMs how far ahead of this node's clock a block's timestamp may be before the
 *     block is held until its time
 * @param queueCapacity bound of the inbox lane for peer events
 * @param futureRounds how many rounds ahead of the head messages are kept for later (a node that
 *     lags one block behind still collects the next round's commits)
 */
public record ConsensusConfig(
    Genesis genesis, long maxClockDriftMs, int queueCapacity, int futureRounds) {
  public ConsensusConfig {
    Objects.requireNonNull(genesis, "genesis");
    if (maxClockDriftMs < 0 || queueCapacity < 1 || futureRounds < 1) {
      throw new IllegalArgumentException("bad consensus settings");
    }
  }

  /** The production settings: 2 s of tolerated clock drift, 10,000 queued peer events. */
  public static ConsensusConfig of(Genesis genesis) {
    return new ConsensusConfig(genesis, 2_000, 10_000, 3);
  }
}
