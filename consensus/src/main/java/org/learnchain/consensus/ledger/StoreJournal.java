package org.learnchain.consensus.ledger;

import java.util.Optional;
import org.learnchain.consensus.port.JournalSlot;
import org.learnchain.consensus.port.SigningJournal;
import org.learnchain.ledger.store.ChainStore;

/**
 * The signing journal in the chain store's signed-messages journal: a signed message is synced to
 * disk before {@link #record} returns, so it survives exactly what the chain survives; a decision
 * rides on its block's synced write.
 */
public final class StoreJournal implements SigningJournal {
  private final ChainStore store;

  public StoreJournal(ChainStore store) {
    this.store = store;
  }

  @Override
  public Optional<byte[]> find(long round, JournalSlot slot) {
    return store.journaled(round, slot.encode());
  }

  @Override
  public void record(long round, JournalSlot slot, byte[] message) {
    if (store.journaled(round, slot.encode()).isPresent()) {
      throw new IllegalStateException("journal slot taken round=" + round + " slot=" + slot);
    }
    // What this node signs is on the disk before it is sent. A decision is followed at once by
    // its block's synced write, which carries it to the disk (writes reach it in order): a crash
    // loses both or neither, and without both the height is simply not decided yet.
    store.journal(round, slot.encode(), message, slot.kind() != JournalSlot.Kind.DECISION);
  }

  @Override
  public java.util.List<JournalSlot> slots(long round) {
    return store.journaledKinds(round).stream()
        .map(JournalSlot::decode)
        .flatMap(Optional::stream)
        .toList();
  }

  @Override
  public void pruneBelow(long round) {
    store.pruneJournal(round);
  }
}
