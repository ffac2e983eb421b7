package org.learnchain.ledger.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import org.learnchain.config.Genesis;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.codec.MalformedEncodingException;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.GenesisBlock;
import org.learnchain.ledger.Payment;
import org.learnchain.ledger.state.StateChange;
import org.learnchain.ledger.state.StateDiff;
import org.learnchain.ledger.state.StateKey;
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
 * <p>At open the store checks the schema version, that the database belongs to this genesis, that
 * the head block's content hashes to its key, and that the flat state's Merkle root equals the head
 * block's state root: any mismatch is reported as corruption and nothing is served.
 */
public final class KvChainStore implements ChainStore {
  private static final Logger LOG = LoggerFactory.getLogger(KvChainStore.class);
  private static final int MAX_JOURNAL_KIND_BYTES = 64;

  private final KeyValueStore kv;
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
    WorldState genesisState = WorldState.genesis(genesis);
    Block genesisBlock = GenesisBlock.create(genesis, genesisState.root());
    Optional<byte[]> version = kv.get(Column.METADATA, Schema.KEY_SCHEMA_VERSION);
    if (version.isEmpty()) {
      try (KeyValueStore.KvIterator it = kv.iterator(Column.BLOCKS)) {
        if (it.next()) {
          throw new CorruptDatabaseException("database holds blocks but no schema version");
        }
      }
      initialize(kv, genesisBlock, genesisState);
      LOG.info(
          "Chain store initialized genesis={} chain={}",
          genesisBlock.hash().toShortHex(),
          genesis.chainId());
      return new KvChainStore(
          kv, pool, genesisBlock, new Head(genesisBlock, genesisState), 0, 0, registry);
    }
    int v = (int) decodeMeta(version.get(), "schema version");
    if (v != Schema.VERSION && v != Schema.VERSION_WITHOUT_PAYMENTS) {
      throw new UnsupportedSchemaException(
          "database schema version "
              + v
              + " is not supported (this build reads version "
              + Schema.VERSION
              + ")");
    }
    Hash storedGenesis =
        Schema.CANONICAL
            .get(kv, 0L)
            .orElseThrow(() -> new CorruptDatabaseException("database has no block at height 0"));
    if (!storedGenesis.equals(genesisBlock.hash())) {
      throw new StorageException(
          "database belongs to another chain: its genesis block is "
              + storedGenesis.toShortHex()
              + ", the configured genesis gives "
              + genesisBlock.hash().toShortHex());
    }
    Hash headHash =
        Schema.decodeHash(
            kv.get(Column.METADATA, Schema.KEY_HEAD)
                .orElseThrow(() -> new CorruptDatabaseException("database has no head pointer")));
    Block headBlock =
        Schema.BLOCKS
            .get(kv, headHash)
            .orElseThrow(
                () -> new CorruptDatabaseException("head block " + headHash + " is missing"));
    if (!headBlock.hash().equals(headHash)) {
      throw new CorruptDatabaseException(
          "head block content hashes to " + headBlock.hash() + ", stored under " + headHash);
    }
    Optional<Hash> canonicalAtHead = Schema.CANONICAL.get(kv, headBlock.height());
    if (!canonicalAtHead.equals(Optional.of(headHash))) {
      throw new CorruptDatabaseException(
          "canonical index at height " + headBlock.height() + " does not point at the head");
    }
    long start = System.nanoTime();
    WorldState state = loadFlatState(kv, pool);
    if (!state.root().equals(headBlock.header().stateRoot())) {
      throw new CorruptDatabaseException(
          "stored state has root "
              + state.root()
              + " but head block "
              + headBlock.height()
              + " commits to "
              + headBlock.header().stateRoot());
    }
    long fin =
        kv.get(Column.METADATA, Schema.KEY_FINALIZED)
            .map(b -> decodeMeta(b, "finalized height"))
            .orElse(0L);
    LOG.info(
        "Chain store opened head={} height={} finalized={} stateEntries={} stateLoadMs={}",
        headHash.toShortHex(),
        headBlock.height(),
        fin,
        state.entryCount(),
        (System.nanoTime() - start) / 1_000_000);
    long paymentsFrom;
    if (v == Schema.VERSION_WITHOUT_PAYMENTS) {
      // Upgrade in place: the payment column starts empty, so payments are known from the next
      // block on. Version and marker change in one batch.
      paymentsFrom = headBlock.height() + 1;
      try (KeyValueStore.WriteBatch b = kv.batch()) {
        b.put(Column.METADATA, Schema.KEY_PAYMENTS_FROM, Schema.longKey(paymentsFrom));
        b.put(Column.METADATA, Schema.KEY_SCHEMA_VERSION, Schema.longKey(Schema.VERSION));
        b.commit(true);
      }
      LOG.info(
          "Chain store upgraded from schema version {} to {}: payments recorded from height {}",
          v,
          Schema.VERSION,
          paymentsFrom);
    } else {
      paymentsFrom =
          kv.get(Column.METADATA, Schema.KEY_PAYMENTS_FROM)
              .map(b -> decodeMeta(b, "payments-from height"))
              .orElse(0L);
    }
    return new KvChainStore(
        kv, pool, genesisBlock, new Head(headBlock, state), fin, paymentsFrom, registry);
  }

  /**
   * A chain store on a fresh in-memory twin (consensus tests and simulations; no RocksDB on the
   * classpath needed).
   */
  public static KvChainStore inMemory(Genesis genesis, ForkJoinPool pool, MeterRegistry registry) {
    return open(InMemoryKeyValueStore.create(), genesis, pool, registry);
  }

  private static long decodeMeta(byte[] b, String what) {
    try {
      return Schema.decodeLong(b);
    } catch (MalformedEncodingException e) {
      throw new CorruptDatabaseException("malformed " + what + " in metadata", e);
    }
  }

  private static void initialize(KeyValueStore kv, Block genesisBlock, WorldState genesisState) {
    try (KeyValueStore.WriteBatch b = kv.batch()) {
      Hash hash = genesisBlock.hash();
      Schema.BLOCKS.put(b, hash, genesisBlock);
      Schema.CANONICAL.put(b, 0L, hash);
      genesisState.forEachEntry((key, value) -> b.put(Schema.columnFor(key), key.toArray(), value));
      b.put(Column.METADATA, Schema.KEY_HEAD, hash.toArray());
      b.put(Column.METADATA, Schema.KEY_FINALIZED, Schema.longKey(0));
      // The version goes in the same batch: a database with a version is always whole.
      b.put(Column.METADATA, Schema.KEY_SCHEMA_VERSION, Schema.longKey(Schema.VERSION));
      b.commit(true);
    }
  }

  private static WorldState loadFlatState(KeyValueStore kv, ForkJoinPool pool) {
    List<WorldState.StateEntry> entries = new ArrayList<>();
    for (Column c : Schema.STATE_COLUMNS) {
      try (KeyValueStore.KvIterator it = kv.iterator(c)) {
        while (it.next()) {
          StateKey key;
          try {
            key = StateKey.wrap(it.key());
          } catch (MalformedEncodingException e) {
            throw new CorruptDatabaseException("malformed state key in column " + c, e);
          }
          if (Schema.columnFor(key) != c) {
            throw new CorruptDatabaseException("state key " + key + " stored in column " + c);
          }
          entries.add(new WorldState.StateEntry(key, it.value()));
        }
      }
    }
    try {
      return WorldState.fromEntries(entries, pool);
    } catch (MalformedEncodingException | IllegalStateException e) {
      throw new CorruptDatabaseException("stored state is unreadable: " + e.getMessage(), e);
    }
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
    Hash hash = Hashing.sha256(data);
    try (KeyValueStore.WriteBatch b = kv.batch()) {
      b.put(Column.BLOBS, hash.toArray(), data);
      b.commit(true);
    }
    return hash;
  }

  @Override
  public Optional<byte[]> blob(Hash hash) {
    return kv.get(Column.BLOBS, hash.toArray());
  }

  private static byte[] journalKey(long round, String kind) {
    if (round < 0) {
      throw new IllegalArgumentException("negative round " + round);
    }
    if (kind.getBytes(StandardCharsets.UTF_8).length > MAX_JOURNAL_KIND_BYTES) {
      throw new IllegalArgumentException("journal kind longer than 64 bytes");
    }
    return Schema.journalKey(round, kind);
  }

  @Override
  public void journal(long round, String kind, byte[] message) {
    journal(round, kind, message, true);
  }

  @Override
  public void journal(long round, String kind, byte[] message, boolean sync) {
    Objects.requireNonNull(message, "message");
    try (KeyValueStore.WriteBatch b = kv.batch()) {
      b.put(Column.JOURNAL, journalKey(round, kind), message);
      b.commit(sync);
    }
  }

  @Override
  public Optional<byte[]> journaled(long round, String kind) {
    return kv.get(Column.JOURNAL, journalKey(round, kind));
  }

  @Override
  public List<String> journaledKinds(long round) {
    byte[] prefix = Schema.journalKey(round, "");
    List<String> out = new java.util.ArrayList<>();
    try (KeyValueStore.KvIterator it = kv.iterator(Column.JOURNAL, prefix)) {
      while (it.next()) {
        byte[] key = it.key();
        out.add(
            new String(
                java.util.Arrays.copyOfRange(key, 8, key.length),
                java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  @Override
  public void pruneJournal(long round) {
    try (KeyValueStore.WriteBatch b = kv.batch();
        KeyValueStore.KvIterator it = kv.iterator(Column.JOURNAL)) {
      while (it.next()) {
        byte[] key = it.key();
        if (Schema.decodeLong(java.util.Arrays.copyOf(key, 8)) >= round) {
          break;
        }
        b.delete(Column.JOURNAL, key);
      }
      if (b.size() > 0) {
        // Housekeeping: entries a crash brings back are below the current height and pruned
        // again; none is ever read for a height that is not the node's current one.
        b.commit(false);
      }
    }
  }

  @Override
  public void putPeer(byte[] id, byte[] record) {
    try (KeyValueStore.WriteBatch b = kv.batch()) {
      b.put(Column.PEERS, id, record);
      b.commit(false);
    }
  }

  @Override
  public void removePeer(byte[] id) {
    try (KeyValueStore.WriteBatch b = kv.batch()) {
      b.delete(Column.PEERS, id);
      b.commit(false);
    }
  }

  @Override
  public List<PeerRecord> peers() {
    List<PeerRecord> out = new ArrayList<>();
    try (KeyValueStore.KvIterator it = kv.iterator(Column.PEERS)) {
      while (it.next()) {
        out.add(new PeerRecord(it.key(), it.value()));
      }
    }
    return out;
  }

  @Override
  public void close() {
    kv.close();
  }
}
