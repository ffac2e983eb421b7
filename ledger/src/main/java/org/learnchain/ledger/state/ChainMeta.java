package org.learnchain.ledger.state;

import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;

/**
 * Chain-wide counters kept in the state (and so under the state root).
 *
 * <p>Supply identity, checked by the tests: the units held by all accounts (balance, stake,
 * unbonding, delegations) plus the bounties in escrow equal {@code genesisSupply + minted -
 * burned}.
 *
 * @param height height of the last block applied (0 for the genesis state)
 * @param pendingProblems number of problems pending (bounded by LedgerLimits)
 */
public record ChainMeta(
    long height, long genesisSupply, long minted, long burned, int pendingProblems) {

  public long expectedSupply() {
    return genesisSupply + minted - burned;
  }

  byte[] encode() {
    return new CanonicalWriter(36)
        .i64(height)
        .i64(genesisSupply)
        .i64(minted)
        .i64(burned)
        .i32(pendingProblems)
        .toByteArray();
  }

  static ChainMeta decode(byte[] bytes) {
    CanonicalReader r = new CanonicalReader(bytes);
    ChainMeta m = new ChainMeta(r.i64(), r.i64(), r.i64(), r.i64(), r.i32());
    r.end();
    return m;
  }
}
