package org.learnchain.consensus.ledger;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.learnchain.consensus.port.ChainPort;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockHeader;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.mempool.Admission;
import org.learnchain.ledger.mempool.Mempool;
import org.learnchain.ledger.state.StateTransition;
import org.learnchain.ledger.state.TransitionResult;
import org.learnchain.ledger.state.WorldState;
import org.learnchain.ledger.store.ChainStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chain port over the ledger's {@link ChainStore} (RocksDB in a node, the in-memory twin in
 * simulations), its {@link StateTransition} and its {@link Mempool}. Consensus decides head and
 * finality; this adapter records them in the store and keeps the pool in step with the head. The
 * states of recently stored blocks are kept in memory (snapshots share structure), so verifying a
 * child does not rebuild its parent's state from diffs.
 */
public final class LedgerChain implements ChainPort {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerChain.class);
  private static final int MAX_BLOCK_TRANSACTIONS = 2_000;
  private static final long MAX_BLOCK_TX_BYTES = 8L << 20;
  private static final int RECENT_STATES = 64;

  private final ChainStore store;
  private final StateTransition transition;
  private final Mempool mempool;
  private final Consumer<SignedTransaction> broadcast;
  private final Map<Hash, WorldState> recent =
      new LinkedHashMap<>(RECENT_STATES, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Hash, WorldState> eldest) {
          return size() > RECENT_STATES;
        }
      };

  /**
   * @param broadcast gossips a transaction this node submits (its own evidence transactions)
   */
  public LedgerChain(
      ChainStore store,
      StateTransition transition,
      Mempool mempool,
      Consumer<SignedTransaction> broadcast) {
    this.store = store;
    this.transition = transition;
    this.mempool = mempool;
    this.broadcast = broadcast;
  }

  @Override
  public Block head() {
    return store.head();
  }

  @Override
  public Optional<Block> block(Hash hash) {
    return store.block(hash);
  }

  @Override
  public Optional<Hash> canonicalHash(long height) {
    return store.canonicalHash(height);
  }

  @Override
  public Optional<WorldState> stateAfter(Hash hash) {
    synchronized (recent) {
      WorldState s = recent.get(hash);
      if (s != null) {
        return Optional.of(s);
      }
    }
    Optional<WorldState> s = store.state(hash);
    s.ifPresent(
        st -> {
          synchronized (recent) {
            recent.put(hash, st);
          }
        });
    return s;
  }

  @Override
  public Hash finalizedHash() {
    return store
        .canonicalHash(store.finalizedHeight())
        .orElseThrow(() -> new IllegalStateException("finalized height has no canonical block"));
  }

  @Override
  public long finalizedHeight() {
    return store.finalizedHeight();
  }

  @Override
  public TransitionResult apply(
      WorldState parent,
      BlockHeader header,
      List<SignedTransaction> transactions,
      BlockOutcome outcome) {
    return transition.apply(parent, header, transactions, outcome);
  }

  @Override
  public StateTransition.Assembly assemble(
      WorldState parent, long height, PublicKey proposer, BlockOutcome outcome) {
    List<SignedTransaction> candidates =
        mempool.executable(parent, MAX_BLOCK_TRANSACTIONS, MAX_BLOCK_TX_BYTES);
    return transition.assemble(
        parent, height, proposer, candidates, outcome, MAX_BLOCK_TRANSACTIONS, MAX_BLOCK_TX_BYTES);
  }

  @Override
  public void store(Block block, TransitionResult.Applied applied) {
    if (store.contains(block.hash())) {
      return;
    }
    synchronized (recent) {
      recent.put(block.hash(), applied.state());
    }
    // Consensus's head is always a leaf, so a block on top of it is about to become the head:
    // append it with its flat state in one batch; anything else is a fork stored with its diff.
    if (block.header().prevHash().equals(store.head().hash())) {
      store.appendBlock(block, applied);
      mempool.onNewHead(applied.state());
    } else {
      store.storeBlock(block, applied.diff());
    }
  }

  @Override
  public void setHead(Hash hash) {
    Block previous = store.head();
    if (previous.hash().equals(hash)) {
      return;
    }
    List<Block> abandoned = abandonedBy(previous, hash);
    store.setHead(hash);
    mempool.onNewHead(store.headState());
    returnToPool(abandoned);
  }

  /**
   * The blocks of the branch ending at {@code previous} that the chain ending at {@code newHead}
   * does not contain, oldest first (empty when the head only moves forward).
   */
  private List<Block> abandonedBy(Block previous, Hash newHead) {
    Block a = previous;
    Block b =
        store
            .block(newHead)
            .orElseThrow(() -> new IllegalStateException("new head " + newHead + " not stored"));
    java.util.ArrayDeque<Block> out = new java.util.ArrayDeque<>();
    while (a.height() > b.height()) {
      out.addFirst(a);
      a = parentOf(a);
    }
    while (b.height() > a.height()) {
      b = parentOf(b);
    }
    while (!a.hash().equals(b.hash())) {
      out.addFirst(a);
      a = parentOf(a);
      b = parentOf(b);
    }
    return List.copyOf(out);
  }

  private Block parentOf(Block b) {
    Hash parent = b.header().prevHash();
    return store
        .block(parent)
        .orElseThrow(() -> new IllegalStateException("parent " + parent + " not stored"));
  }

  /**
   * After a fork switch, the transactions of the abandoned blocks go back into the pool and out to
   * the peers, so that a transaction a node acknowledged is not lost because the block holding it
   * lost the fork choice (an isolated node's own blocks always do). Those the new chain already
   * holds, or that conflict with it, are refused by the pool's nonce check.
   */
  private void returnToPool(List<Block> abandoned) {
    int returned = 0;
    for (Block b : abandoned) {
      for (SignedTransaction tx : b.transactions()) {
        if (addTransaction(tx)) {
          broadcast.accept(tx);
          returned++;
        }
      }
    }
    if (returned > 0) {
      LOG.info(
          "Transactions of abandoned blocks returned to the pool count={} blocks={}",
          returned,
          abandoned.size());
    }
  }

  @Override
  public void setFinalized(Hash hash, long height) {
    Optional<Hash> canonical = store.canonicalHash(height);
    if (canonical.isEmpty() || !canonical.get().equals(hash)) {
      throw new IllegalStateException(
          "finalizing " + hash.toShortHex() + " at " + height + ", not the canonical block");
    }
    store.setFinalized(height);
  }

  @Override
  public void submitTransaction(SignedTransaction transaction) {
    if (addTransaction(transaction)) {
      broadcast.accept(transaction);
    }
  }

  /** A transaction from a peer or a client, into the pool; false when the pool refused it. */
  public boolean addTransaction(SignedTransaction tx) {
    Admission a = mempool.add(tx, store.headState());
    if (a instanceof Admission.Rejected r) {
      LOG.debug(
          "Transaction refused tx={} reason={} message={}",
          tx.hash().toShortHex(),
          r.reason(),
          r.message());
      return false;
    }
    return true;
  }

  @Override
  public long nextNonce(Address sender) {
    WorldState head = store.headState();
    long next = head.account(sender).nonce();
    for (SignedTransaction tx : mempool.executable(head, Integer.MAX_VALUE, Long.MAX_VALUE)) {
      if (tx.senderAddress().equals(sender) && tx.nonce() == next) {
        next++;
      }
    }
    return next;
  }

  public int poolSize() {
    return mempool.size();
  }
}
