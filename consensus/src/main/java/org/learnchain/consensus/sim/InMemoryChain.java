package org.learnchain.consensus.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
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
import org.learnchain.ledger.state.StateTransition;
import org.learnchain.ledger.state.TransitionResult;
import org.learnchain.ledger.state.WorldState;

/**
 * A chain port over the ledger's real {@link StateTransition}, with blocks, states and the
 * transaction pool held in memory: one per simulated node. The node-app adapts the same port to the
 * ledger's persistent store and mempool. States are immutable snapshots sharing structure, so
 * keeping one per unfinalized block is cheap; states well below the final block are dropped.
 */
public final class InMemoryChain implements ChainPort {
  private static final int MAX_BLOCK_TRANSACTIONS = 2_000;
  private static final long MAX_BLOCK_TX_BYTES = 8L << 20;
  private static final int KEEP_STATES_BELOW_FINAL = 2;

  private final StateTransition transition;
  private final Map<Hash, Block> blocks = new HashMap<>();
  private final Map<Hash, WorldState> states = new HashMap<>();
  private final Map<Long, Hash> canonical = new HashMap<>();
  private final Map<Hash, SignedTransaction> pool = new LinkedHashMap<>();
  private final Consumer<SignedTransaction> broadcast;
  private Hash head;
  private Hash finalized;
  private long finalizedHeight;

  /**
   * @param broadcast where a transaction this node submits is gossiped to the other nodes
   */
  public InMemoryChain(StateTransition transition, Consumer<SignedTransaction> broadcast) {
    this.transition = transition;
    this.broadcast = broadcast;
    Block genesis = transition.genesisBlock();
    blocks.put(genesis.hash(), genesis);
    states.put(genesis.hash(), transition.genesisState());
    canonical.put(0L, genesis.hash());
    head = genesis.hash();
    finalized = genesis.hash();
  }

  @Override
  public synchronized Block head() {
    return blocks.get(head);
  }

  @Override
  public synchronized Optional<Block> block(Hash hash) {
    return Optional.ofNullable(blocks.get(hash));
  }

  @Override
  public synchronized Optional<Hash> canonicalHash(long height) {
    return Optional.ofNullable(canonical.get(height));
  }

  @Override
  public synchronized Optional<WorldState> stateAfter(Hash hash) {
    return Optional.ofNullable(states.get(hash));
  }

  @Override
  public synchronized Hash finalizedHash() {
    return finalized;
  }

  @Override
  public synchronized long finalizedHeight() {
    return finalizedHeight;
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
  public synchronized StateTransition.Assembly assemble(
      WorldState parent, long height, PublicKey proposer, BlockOutcome outcome) {
    List<SignedTransaction> candidates = new ArrayList<>(pool.values());
    candidates.sort(
        java.util.Comparator.comparing((SignedTransaction t) -> t.sender())
            .thenComparingLong(SignedTransaction::nonce));
    return transition.assemble(
        parent, height, proposer, candidates, outcome, MAX_BLOCK_TRANSACTIONS, MAX_BLOCK_TX_BYTES);
  }

  @Override
  public synchronized void store(Block block, TransitionResult.Applied applied) {
    blocks.putIfAbsent(block.hash(), block);
    states.putIfAbsent(block.hash(), applied.state());
  }

  @Override
  public synchronized void setHead(Hash hash) {
    Block b = blocks.get(hash);
    if (b == null) {
      throw new IllegalArgumentException("unknown head " + hash);
    }
    // Re-index the canonical chain from the new head down to where it meets the old index.
    long top = blocks.get(head).height();
    for (long h = b.height() + 1; h <= top; h++) {
      canonical.remove(h);
    }
    Block cursor = b;
    while (!cursor.hash().equals(canonical.get(cursor.height()))) {
      canonical.put(cursor.height(), cursor.hash());
      cursor = blocks.get(cursor.header().prevHash());
    }
    head = hash;
    evict(states.get(hash));
  }

  /** Drops pool transactions that can no longer be included on top of {@code headState}. */
  private void evict(WorldState headState) {
    Iterator<SignedTransaction> it = pool.values().iterator();
    while (it.hasNext()) {
      SignedTransaction tx = it.next();
      long next = headState.account(tx.senderAddress()).nonce();
      if (tx.nonce() < next
          || (tx.nonce() == next && transition.check(headState, tx).isPresent())) {
        it.remove();
      }
    }
  }

  @Override
  public synchronized void setFinalized(Hash hash, long height) {
    if (height <= finalizedHeight) {
      return;
    }
    finalized = hash;
    finalizedHeight = height;
    // Blocks below the final one can no longer be built on: their states are not needed.
    long keepFrom = height - KEEP_STATES_BELOW_FINAL;
    states.keySet().removeIf(h -> blocks.get(h).height() < keepFrom);
  }

  @Override
  public void submitTransaction(SignedTransaction transaction) {
    addTransaction(transaction);
    broadcast.accept(transaction);
  }

  /** A transaction gossiped by another node (or submitted by a client). */
  public synchronized void addTransaction(SignedTransaction tx) {
    if (transition.checkStateless(tx).isPresent()) {
      return;
    }
    pool.putIfAbsent(tx.hash(), tx);
  }

  @Override
  public synchronized long nextNonce(Address sender) {
    long next = states.get(head).account(sender).nonce();
    for (SignedTransaction tx : pool.values()) {
      if (tx.senderAddress().equals(sender) && tx.nonce() >= next) {
        next = tx.nonce() + 1;
      }
    }
    return next;
  }

  public synchronized int poolSize() {
    return pool.size();
  }
}
