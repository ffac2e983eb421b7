package org.learnchain.ledger.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import org.learnchain.config.Genesis;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.Payment;
import org.learnchain.ledger.state.StateChange;
import org.learnchain.ledger.state.StateDiff;
import org.learnchain.ledger.state.TransitionResult;
import org.learnchain.ledger.state.WorldState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ChainStore} over any {@link KeyValueStore}.
 *
 * <p>Layout: blocks by hash, the canonical index by height, each block's {@link StateDiff} by hash,
 * and the head's world state flat (one row per state entry, split over the STATE, PROBLEMS and
 * EVIDENCE columns). The head pointer and the flat state always change in the same batch as the
 * canonical index, so they can never disagree after a crash.
 *
 * <p>At open ({@link StoreOpening}) the store checks the schema version, that the database belongs
 * to this genesis, that the head block's content hashes to its key, and that the flat state's
 * Merkle root equals the head block's state root: any mismatch is reported as corruption and
 * nothing is served. Blobs, the consensus journal and peer records live in their own columns
 * ({@link SideRows}) and never touch the chain.
 */
public final class KvChainStore implements ChainStore {
  private static final Logger LOG = LoggerFactory.getLogger(KvChainStore.class);

  private final KeyValueStore kv;
  private final SideRows rows;
  private final ForkJoinPool pool;
  private final Block genesisBlock;
  private final Counter appended;
  private final Counter reorgs;
  private final Timer commitTimer;
  private volatile Head head;
  private volatile long finalized;
  private final long paymentsFrom;

  private record Head(Block block, WorldState state) {}

  private KvChainStore(
      KeyValueStore kv,
      ForkJoinPool pool,
      Block genesisBlock,
      Head head,
      long finalized,
      long paymentsFrom,
      MeterRegistry registry) {
    this.paymentsFrom = paymentsFrom;
    this.kv = kv;
    this.rows = new SideRows(kv);
    this.pool = pool;
    this.genesisBlock = genesisBlock;
    this.head = head;
    this.finalized = finalized;
    this.appended =
        Counter.builder("ledger_blocks_appended")
            .description("blocks made head")
            .register(registry);
    this.reorgs =
        Counter.builder("ledger_reorgs")
            .description("head switches to another fork")
            .register(registry);
    this.commitTimer =
        Timer.builder("ledger_block_commit_seconds")
            .description("time to write and sync one block's batch")
            .register(registry);
  }

  /**
   * Opens the chain store on {@code kv}, initializing it with genesis when empty, otherwise
   * reloading and checking head, state and finalized height.
   *
   * @throws UnsupportedSchemaException for a database of another schema version
   * @throws CorruptDatabaseException when an integrity check fails
   * @throws StorageException when the database belongs to another genesis, or on I/O failure
   */
  public static KvChainStore open(
      KeyValueStore kv, Genesis genesis, ForkJoinPool pool, MeterRegistry registry) {
    StoreOpening.Opened o = StoreOpening.open(kv, genesis, pool);
    return new KvChainStore(
        kv,
        pool,
        o.genesisBlock(),
        new Head(o.headBlock(), o.state()),
        o.finalized(),
        o.paymentsFrom(),
        registry);
  }

  /**
   * A chain store on a fresh in-memory twin (consensus tests and simulations; no RocksDB on the
   * classpath needed).
   */
  public static KvChainStore inMemory(Genesis genesis, ForkJoinPool pool, MeterRegistry registry) {
    return open(InMemoryKeyValueStore.create(), genesis, pool, registry);
  }

  private static void writeFlat(KeyValueStore.WriteBatch b, List<StateChange> changes) {
    for (StateChange c : changes) {
      Column col = Schema.columnFor(c.key());
      if (c.after() == null) {
        b.delete(col, c.key().toArray());
      } else {
        b.put(col, c.key().toArray(), c.after());
      }
    }
  }

  @Override
  public Block genesisBlock() {
    return genesisBlock;
  }

  @Override
  public Block head() {
    return head.block();
  }

  @Override
  public WorldState headState() {
    return head.state();
  }

  @Override
  public Optional<Block> block(Hash hash) {
    return Schema.BLOCKS.get(kv, hash);
  }

  @Override
  public boolean contains(Hash hash) {
    return kv.get(Column.BLOCKS, hash.toArray()).isPresent();
  }

  @Override
  public Optional<Hash> canonicalHash(long height) {
    return Schema.CANONICAL.get(kv, height);
  }

  @Override
  public long finalizedHeight() {
    return finalized;
  }

  @Override
  public synchronized void appendBlock(Block block, TransitionResult.Applied applied) {
    Head h = head;
    Hash headHash = h.block().hash();
    if (!block.header().prevHash().equals(headHash) || block.height() != h.block().height() + 1) {
      throw new IllegalArgumentException(
          "block " + block.height() + " does not extend head " + headHash.toShortHex());
    }
    StateDiff diff = applied.diff();
    if (!applied.stateRoot().equals(block.header().stateRoot())
        || !diff.parentRoot().equals(h.state().root())) {
      throw new IllegalArgumentException("transition result does not belong to this block");
    }
    Hash hash = block.hash();
    long start = System.nanoTime();
    try (KeyValueStore.WriteBatch b = kv.batch()) {
      Schema.BLOCKS.put(b, hash, block);
      Schema.STATE_DIFFS.put(b, hash, diff);
      writeFlat(b, diff.changes());
      writePayments(b, block.height(), hash, applied.payments());
      Schema.CANONICAL.put(b, block.height(), hash);
      b.put(Column.METADATA, Schema.KEY_HEAD, hash.toArray());
      b.commit(true);
    }
    commitTimer.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    head = new Head(block, applied.state());
    appended.increment();
    LOG.debug(
        "Block appended height={} hash={} txs={} changes={}",
        block.height(),
        hash.toShortHex(),
        block.transactions().size(),
        diff.changes().size());
  }

  private static void writePayments(
      KeyValueStore.WriteBatch b, long height, Hash block, List<Payment> payments) {
    for (int i = 0; i < payments.size(); i++) {
      Payment p = payments.get(i);
      b.put(
          Column.PAYMENTS,
          Schema.paymentKey(p.account(), height, i),
          Schema.paymentValue(block, p.kind(), p.amount()));
    }
  }

  @Override
  public List<PaymentRecord> payments(Address account, long fromHeight, int limit) {
    List<PaymentRecord> out = new ArrayList<>();
    if (limit <= 0) {
      return out;
    }
    Hash lastBlock = null;
    long lastHeight = -1;
    boolean lastCanonical = false;
    try (KeyValueStore.KvIterator it = kv.iterator(Column.PAYMENTS, account.toArray())) {
      while (it.next() && out.size() < limit) {
        PaymentRecord r = Schema.decodePayment(it.key(), it.value());
        if (r.height() < fromHeight) {
          continue;
        }
        if (r.height() != lastHeight || !r.block().equals(lastBlock)) {
          lastHeight = r.height();
          lastBlock = r.block();
          lastCanonical = canonicalHash(r.height()).map(r.block()::equals).orElse(false);
        }
        if (lastCanonical) {
          out.add(r);
        }
      }
    }
    return out;
  }

  @Override
  public long paymentsRecordedFrom() {
    return paymentsFrom;
  }

  @Override
  public synchronized void storeBlock(Block block, StateDiff diff) {
    Hash hash = block.hash();
    if (contains(hash)) {
      return;
    }
    if (!contains(block.header().prevHash())) {
      throw new IllegalArgumentException(
          "parent " + block.header().prevHash().toShortHex() + " of block " + hash + " is unknown");
    }
    if (!diff.root().equals(block.header().stateRoot())) {
      throw new IllegalArgumentException("diff does not end at the block's state root");
    }
    try (KeyValueStore.WriteBatch b = kv.batch()) {
      Schema.BLOCKS.put(b, hash, block);
      Schema.STATE_DIFFS.put(b, hash, diff);
      b.commit(true);
    }
    LOG.debug("Fork block stored height={} hash={}", block.height(), hash.toShortHex());
  }

  private boolean isCanonical(Block b) {
    return canonicalHash(b.height()).map(h -> h.equals(b.hash())).orElse(false);
  }

  private StateDiff diffOf(Hash hash) {
    return Schema.STATE_DIFFS
        .get(kv, hash)
        .orElseThrow(
            () -> new IllegalStateException("no state diff kept for block " + hash.toShortHex()));
  }

  /** The blocks from {@code target} down to (excluding) its first canonical ancestor. */
  private List<Block> pathToCanonical(Block target) {
    List<Block> path = new ArrayList<>();
    Block cur = target;
    while (!isCanonical(cur)) {
      path.add(cur);
      Hash parent = cur.header().prevHash();
      cur =
          block(parent)
              .orElseThrow(
                  () -> new CorruptDatabaseException("block " + parent + " (a parent) is missing"));
    }
    path.add(cur);
    Collections.reverse(path);
    return path; // path.get(0) is the canonical ancestor
  }

  @Override
  public synchronized void setHead(Hash hash) {
    Head h = head;
    if (h.block().hash().equals(hash)) {
      return;
    }
    Block target =
        block(hash).orElseThrow(() -> new IllegalArgumentException("unknown block " + hash));
    List<Block> path = pathToCanonical(target);
    Block ancestor = path.get(0);
    if (ancestor.height() < finalized) {
      throw new IllegalStateException(
          "switching to "
              + hash.toShortHex()
              + " would revert finalized height "
              + finalized
              + " (fork point "
              + ancestor.height()
              + ")");
    }
    WorldState s = h.state();
    try (KeyValueStore.WriteBatch b = kv.batch()) {
      for (long height = h.block().height(); height > ancestor.height(); height--) {
        Hash canonical = canonicalHash(height).orElseThrow();
        StateDiff back = diffOf(canonical).inverse();
        writeFlat(b, back.changes());
        s = s.applyDiff(back, pool);
        Schema.CANONICAL.delete(b, height);
      }
      for (Block blk : path.subList(1, path.size())) {
        StateDiff fwd = diffOf(blk.hash());
        writeFlat(b, fwd.changes());
        s = s.applyDiff(fwd, pool);
        Schema.CANONICAL.put(b, blk.height(), blk.hash());
      }
      b.put(Column.METADATA, Schema.KEY_HEAD, hash.toArray());
      b.commit(true);
    }
    head = new Head(target, s);
    reorgs.increment();
    LOG.info(
        "Head switched from={} to={} height={} forkPoint={}",
        h.block().hash().toShortHex(),
        hash.toShortHex(),
        target.height(),
        ancestor.height());
  }

  @Override
  public synchronized void setFinalized(long height) {
    Head h = head;
    if (height <= finalized) {
      return;
    }
    if (height > h.block().height()) {
      throw new IllegalArgumentException(
          "cannot finalize height " + height + " above the head " + h.block().height());
    }
    try (KeyValueStore.WriteBatch b = kv.batch()) {
      b.put(Column.METADATA, Schema.KEY_FINALIZED, Schema.longKey(height));
      // A block at or below the finalized height is never reverted: its diff is dead weight.
      for (long i = Math.max(1, finalized + 1); i <= height; i++) {
        Optional<Hash> at = canonicalHash(i);
        if (at.isPresent()) {
          Schema.STATE_DIFFS.delete(b, at.get());
        }
      }
      // Not waited for: the next synced write (the next block) carries it to the disk. A crash
      // before that leaves the mark lower, which reverts nothing and keeps a few diffs longer.
      b.commit(false);
    }
    finalized = height;
    LOG.debug("Finalized height={}", height);
  }

  @Override
  public synchronized Optional<WorldState> state(Hash blockHash) {
    Head h = head;
    if (h.block().hash().equals(blockHash)) {
      return Optional.of(h.state());
    }
    Optional<Block> target = block(blockHash);
    if (target.isEmpty()) {
      return Optional.empty();
    }
    List<Block> path = pathToCanonical(target.get());
    Block ancestor = path.get(0);
    if (ancestor.height() < finalized) {
      return Optional.empty();
    }
    WorldState s = h.state();
    for (long height = h.block().height(); height > ancestor.height(); height--) {
      Optional<StateDiff> d = Schema.STATE_DIFFS.get(kv, canonicalHash(height).orElseThrow());
      if (d.isEmpty()) {
        return Optional.empty();
      }
      s = s.applyDiff(d.get().inverse(), pool);
    }
    for (Block blk : path.subList(1, path.size())) {
      s = s.applyDiff(diffOf(blk.hash()), pool);
    }
    return Optional.of(s);
  }

  @Override
  public Hash putBlob(byte[] data) {
    return rows.putBlob(data);
  }

  @Override
  public Optional<byte[]> blob(Hash hash) {
    return rows.blob(hash);
  }

  @Override
  public void journal(long round, String kind, byte[] message) {
    rows.journal(round, kind, message, true);
  }

  @Override
  public void journal(long round, String kind, byte[] message, boolean sync) {
    rows.journal(round, kind, message, sync);
  }

  @Override
  public Optional<byte[]> journaled(long round, String kind) {
    return rows.journaled(round, kind);
  }

  @Override
  public List<String> journaledKinds(long round) {
    return rows.journaledKinds(round);
  }

  @Override
  public void pruneJournal(long round) {
    rows.pruneJournal(round);
  }

  @Override
  public void putPeer(byte[] id, byte[] record) {
    rows.putPeer(id, record);
  }

  @Override
  public void removePeer(byte[] id) {
    rows.removePeer(id);
  }

  @Override
  public List<PeerRecord> peers() {
    return rows.peers();
  }

  @Override
  public void close() {
    kv.close();
  }
}
