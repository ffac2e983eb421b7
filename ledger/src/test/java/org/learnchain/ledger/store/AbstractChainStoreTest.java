package org.learnchain.ledger.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.learnchain.config.Genesis;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.Fixtures;
import org.learnchain.ledger.PendingProblem;
import org.learnchain.ledger.RandomChain;
import org.learnchain.ledger.state.StateKey;
import org.learnchain.ledger.state.TransitionResult;
import org.learnchain.ledger.state.WorldState;

/** The {@link ChainStore} contract, run over every {@link KeyValueStore} implementation. */
abstract class AbstractChainStoreTest {
  final RandomChain chain = new RandomChain(21, 25, ForkJoinPool.commonPool());
  final RandomChain forkChain = new RandomChain(22, 25, ForkJoinPool.commonPool());
  private KeyValueStore kv;
  private ChainStore store;

  /** A fresh key-value store for this test. */
  protected abstract KeyValueStore openKv();

  /** Closes {@code current} and opens the same key-value store again. */
  protected abstract KeyValueStore reopenKv(KeyValueStore current);

  ChainStore open(Genesis genesis) {
    return KvChainStore.open(kv, genesis, ForkJoinPool.commonPool(), new SimpleMeterRegistry());
  }

  ChainStore store() {
    if (store == null) {
      kv = openKv();
      store = open(chain.genesis());
    }
    return store;
  }

  /** Restarts the node: closes everything and opens the store again from its database. */
  ChainStore restart() {
    kv = reopenKv(kv);
    store = open(chain.genesis());
    return store;
  }

  KeyValueStore kv() {
    store();
    return kv;
  }

  @AfterEach
  void closeAll() {
    if (kv != null) {
      kv.close();
    }
  }

  /** Appends {@code n} random blocks on the head; returns them. */
  List<RandomChain.Built> grow(RandomChain c, int n) {
    List<RandomChain.Built> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      RandomChain.Built b = c.next(store().head(), store().headState());
      store().appendBlock(b.block(), b.applied());
      out.add(b);
    }
    return out;
  }

  /** Builds {@code n} blocks on top of a stored block without touching the head. */
  List<RandomChain.Built> branch(RandomChain c, Block from, WorldState fromState, int n) {
    List<RandomChain.Built> out = new ArrayList<>();
    Block parent = from;
    WorldState state = fromState;
    for (int i = 0; i < n; i++) {
      RandomChain.Built b = c.next(parent, state);
      store().storeBlock(b.block(), b.applied().diff());
      out.add(b);
      parent = b.block();
      state = b.applied().state();
    }
    return out;
  }

  @Test
  void aFreshStoreStartsAtGenesis() {
    ChainStore s = store();
    assertEquals(s.genesisBlock(), s.head());
    assertEquals(0, s.head().height());
    assertEquals(chain.transition().genesisState().root(), s.headState().root());
    assertEquals(s.genesisBlock().header().stateRoot(), s.headState().root());
    assertEquals(s.genesisBlock().hash(), s.canonicalHash(0).orElseThrow());
    assertTrue(s.genesisBlock().checkBody().isEmpty());
    assertEquals(0, restart().head().height());
  }

  @Test
  void restartReloadsHeadStateAndPendingProblemsMatchingAPureReplay() {
    List<RandomChain.Built> built = grow(chain, 30);
    WorldState expected = built.get(built.size() - 1).applied().state();
    // A clean in-memory replay of the same blocks, without any store.
    WorldState replay = chain.transition().genesisState();
    for (RandomChain.Built b : built) {
      Block blk = b.block();
      replay =
          ((TransitionResult.Applied)
                  chain.transition().apply(replay, blk.header(), blk.transactions(), blk.outcome()))
              .state();
    }
    List<PendingProblem> pending = expected.pendingProblems();
    ChainStore s = restart();
    assertEquals(30, s.head().height());
    assertEquals(built.get(29).block(), s.head());
    assertEquals(expected.root(), s.headState().root());
    assertEquals(replay.root(), s.headState().root());
    assertEquals(pending, s.headState().pendingProblems());
    assertEquals(expected.selectProblem(), s.headState().selectProblem());
    for (RandomChain.Built b : built) {
      assertEquals(b.block(), s.canonicalBlock(b.block().height()).orElseThrow());
    }
    // The chain continues after the restart exactly as it would have without one.
    RandomChain.Built next = chain.next(s.head(), s.headState());
    s.appendBlock(next.block(), next.applied());
    assertEquals(31, restart().head().height());
  }

  @Test
  void forksAreStoredSwitchedToAndBackWithTheirStates() {
    List<RandomChain.Built> main = grow(chain, 10);
    Block forkPoint = main.get(5).block(); // height 6
    WorldState forkState = main.get(5).applied().state();
    List<RandomChain.Built> side = branch(forkChain, forkPoint, forkState, 6); // heights 7..12
    Block sideTip = side.get(5).block();
    WorldState sideState = side.get(5).applied().state();
    assertEquals(main.get(9).block(), store().head());
    assertEquals(sideState.root(), store().state(sideTip.hash()).orElseThrow().root());
    assertEquals(forkState.root(), store().state(forkPoint.hash()).orElseThrow().root());

    store().setHead(sideTip.hash());
    assertEquals(sideTip, store().head());
    assertEquals(sideState.root(), store().headState().root());
    for (RandomChain.Built b : side) {
      assertEquals(b.block().hash(), store().canonicalHash(b.block().height()).orElseThrow());
    }
    ChainStore s = restart();
    assertEquals(sideTip, s.head());
    assertEquals(sideState.root(), s.headState().root());

    // Back to the (shorter) main chain: heights above its tip leave the canonical index.
    s.setHead(main.get(9).block().hash());
    assertEquals(main.get(9).applied().state().root(), s.headState().root());
    assertTrue(s.canonicalHash(11).isEmpty());
    assertEquals(10, restart().head().height());
  }

  @Test
  void finalityForbidsRevertingAndPrunesDiffs() {
    List<RandomChain.Built> main = grow(chain, 10);
    List<RandomChain.Built> side =
        branch(forkChain, main.get(5).block(), main.get(5).applied().state(), 3);
    store().setFinalized(8);
    assertEquals(8, store().finalizedHeight());
    assertThrows(IllegalStateException.class, () -> store().setHead(side.get(2).block().hash()));
    assertTrue(store().state(side.get(2).block().hash()).isEmpty());
    assertEquals(main.get(9).block(), store().head());
    assertThrows(IllegalArgumentException.class, () -> store().setFinalized(11));
    assertEquals(8, restart().finalizedHeight());
    assertTrue(kv().get(Column.STATE_DIFFS, main.get(7).block().hash().toArray()).isEmpty());
    assertTrue(kv().get(Column.STATE_DIFFS, main.get(8).block().hash().toArray()).isPresent());
  }

  @Test
  void appendRefusesABlockThatDoesNotExtendTheHead() {
    List<RandomChain.Built> main = grow(chain, 2);
    RandomChain.Built other = forkChain.next(main.get(0).block(), main.get(0).applied().state());
    assertThrows(
        IllegalArgumentException.class, () -> store().appendBlock(other.block(), other.applied()));
    assertEquals(2, store().head().height());
  }

  @Test
  void anUnknownSchemaVersionIsRefusedWithAClearMessage() {
    store();
    try (KeyValueStore.WriteBatch b = kv.batch()) {
      b.put(Column.METADATA, Schema.KEY_SCHEMA_VERSION, Schema.longKey(99));
      b.commit(true);
    }
    kv = reopenKv(kv);
    UnsupportedSchemaException e =
        assertThrows(UnsupportedSchemaException.class, () -> open(chain.genesis()));
    assertEquals(
        "database schema version 99 is not supported (this build reads version 2)", e.getMessage());
  }

  @Test
  void everyPaymentOfAnAppendedBlockIsReadBackByAccountAfterARestart() {
    List<RandomChain.Built> built = grow(chain, 30);
    java.util.Map<org.learnchain.crypto.Address, List<ChainStore.PaymentRecord>> expected =
        new java.util.HashMap<>();
    for (RandomChain.Built b : built) {
      for (org.learnchain.ledger.Payment p : b.applied().payments()) {
        expected
            .computeIfAbsent(p.account(), a -> new ArrayList<>())
            .add(
                new ChainStore.PaymentRecord(
                    b.block().height(), b.block().hash(), p.kind(), p.amount()));
      }
    }
    assertFalse(expected.isEmpty());
    restart();
    for (var e : expected.entrySet()) {
      assertEquals(e.getValue(), store().payments(e.getKey(), 0, Integer.MAX_VALUE));
      long from = built.get(15).block().height();
      assertEquals(
          e.getValue().stream().filter(r -> r.height() >= from).toList(),
          store().payments(e.getKey(), from, Integer.MAX_VALUE));
    }
    var first = expected.keySet().iterator().next();
    assertEquals(1, store().payments(first, 0, 1).size());
    assertEquals(0, store().paymentsRecordedFrom());
  }

  @Test
  void aVersion1DatabaseIsUpgradedAndRecordsPaymentsFromTheNextBlock() {
    grow(chain, 3);
    try (KeyValueStore.WriteBatch b = kv.batch()) {
      b.put(Column.METADATA, Schema.KEY_SCHEMA_VERSION, Schema.longKey(1));
      b.commit(true);
    }
    restart();
    assertEquals(4, store().paymentsRecordedFrom());
    assertEquals(
        Schema.VERSION,
        Schema.decodeLong(kv.get(Column.METADATA, Schema.KEY_SCHEMA_VERSION).orElseThrow()));
    restart();
    assertEquals(4, store().paymentsRecordedFrom());
    assertEquals(3, store().head().height());
  }

  @Test
  void aDatabaseOfAnotherGenesisIsRefused() {
    grow(chain, 1);
    kv = reopenKv(kv);
    StorageException e = assertThrows(StorageException.class, () -> open(Fixtures.genesis(3)));
    assertTrue(e.getMessage().startsWith("database belongs to another chain"), e.getMessage());
  }

  @Test
  void aHeadBlockWhoseContentDoesNotMatchItsHashIsNeverServed() {
    List<RandomChain.Built> main = grow(chain, 3);
    // Valid bytes of another block stored under the head's hash.
    try (KeyValueStore.WriteBatch b = kv.batch()) {
      b.put(Column.BLOCKS, main.get(2).block().hash().toArray(), main.get(1).block().encode());
      b.commit(true);
    }
    kv = reopenKv(kv);
    CorruptDatabaseException e =
        assertThrows(CorruptDatabaseException.class, () -> open(chain.genesis()));
    assertTrue(e.getMessage().startsWith("head block content hashes to"), e.getMessage());
  }

  @Test
  void aStateThatDoesNotMatchTheHeadRootIsNeverServed() {
    grow(chain, 3);
    byte[] key = StateKey.account(Fixtures.address(0)).toArray();
    byte[] value = kv.get(Column.STATE, key).orElseThrow();
    value[7] ^= 1; // one unit more or less in the balance
    try (KeyValueStore.WriteBatch b = kv.batch()) {
      b.put(Column.STATE, key, value);
      b.commit(true);
    }
    kv = reopenKv(kv);
    CorruptDatabaseException e =
        assertThrows(CorruptDatabaseException.class, () -> open(chain.genesis()));
    assertTrue(e.getMessage().startsWith("stored state has root"), e.getMessage());
  }

  @Test
  void journalBlobsAndPeersPersist() {
    ChainStore s = store();
    byte[] msg = "signed commit".getBytes(StandardCharsets.UTF_8);
    s.journal(5, "model-commit", msg);
    s.journal(6, "model-commit", new byte[] {6});
    s.journal(7, "attestation", new byte[] {7});
    // Not synced on its own: the synced writes after it (the blob's) carry it to the disk.
    s.journal(7, "decision", new byte[] {70}, false);
    Hash blob = s.putBlob(new byte[] {1, 2, 3});
    assertEquals(Hashing.sha256(new byte[] {1, 2, 3}), blob);
    s.putPeer(new byte[] {9}, new byte[] {4});
    s.putPeer(new byte[] {8}, new byte[] {5});
    s.removePeer(new byte[] {9});
    s = restart();
    assertArrayEquals(msg, s.journaled(5, "model-commit").orElseThrow());
    assertTrue(s.journaled(5, "attestation").isEmpty());
    s.pruneJournal(6);
    assertTrue(s.journaled(5, "model-commit").isEmpty());
    assertTrue(s.journaled(6, "model-commit").isPresent());
    assertTrue(s.journaled(7, "attestation").isPresent());
    assertArrayEquals(new byte[] {70}, s.journaled(7, "decision").orElseThrow());
    s = restart();
    assertTrue(s.journaled(5, "model-commit").isEmpty(), "pruning outlives a clean restart");
    assertArrayEquals(new byte[] {1, 2, 3}, s.blob(blob).orElseThrow());
    assertFalse(s.blob(Hash.ZERO).isPresent());
    List<ChainStore.PeerRecord> peers = s.peers();
    assertEquals(1, peers.size());
    assertArrayEquals(new byte[] {8}, peers.get(0).id());
    assertArrayEquals(new byte[] {5}, peers.get(0).record());
  }
}
