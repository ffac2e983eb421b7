package org.learnchain.node.explorer;

import java.util.Objects;
import java.util.function.Function;
import org.learnchain.config.Genesis;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.mempool.Mempool;
import org.learnchain.ledger.store.ChainStore;
import org.learnchain.node.status.RoundTracker;
import org.learnchain.p2p.P2PNetwork;

/**
 * What the explorer reads, handed over by the composition root. Every part is read-only from here:
 * the explorer never submits, signs or changes anything.
 *
 * @param nextNonce the nonce an account's next transaction needs (pool included)
 */
public record ExplorerSource(
    Genesis genesis,
    PublicKey nodeKey,
    ChainStore store,
    Mempool mempool,
    P2PNetwork network,
    RoundTracker tracker,
    Function<Address, Long> nextNonce) {
  public ExplorerSource {
    Objects.requireNonNull(genesis, "genesis");
    Objects.requireNonNull(nodeKey, "nodeKey");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(mempool, "mempool");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(tracker, "tracker");
    Objects.requireNonNull(nextNonce, "nextNonce");
  }
}
