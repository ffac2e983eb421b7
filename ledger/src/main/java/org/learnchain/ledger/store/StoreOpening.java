package org.learnchain.ledger.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import org.learnchain.config.Genesis;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.codec.MalformedEncodingException;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.GenesisBlock;
import org.learnchain.ledger.state.StateKey;
import org.learnchain.ledger.state.WorldState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opening a chain database: an empty one is initialized with the genesis block and state in one
 * batch; an existing one is checked before anything is served (its schema version, that it belongs
 * to this genesis, that the head block's content hashes to its key and is canonical, that the flat
 * state's Merkle root equals the head block's state root) and upgraded in place from the schema
 * without the payment index. Any mismatch is reported as corruption.
 */
final class StoreOpening {
  // Logged as the store: opening is part of what an operator reads as the chain store's startup.
  private static final Logger LOG = LoggerFactory.getLogger(KvChainStore.class);

  private StoreOpening() {}

  /**
   * What an opened database holds.
   *
   * @param genesisBlock the genesis block the configured genesis gives
   * @param headBlock the stored head
   * @param state the head's world state, loaded from the flat rows
   * @param finalized the finalized height
   * @param paymentsFrom the first height whose payments are indexed
   */
  record Opened(
      Block genesisBlock, Block headBlock, WorldState state, long finalized, long paymentsFrom) {}

  /**
   * Initializes {@code kv} with genesis when empty, otherwise reloads and checks head, state and
   * finalized height.
   *
   * @throws UnsupportedSchemaException for a database of another schema version
   * @throws CorruptDatabaseException when an integrity check fails
   * @throws StorageException when the database belongs to another genesis
   */
  static Opened open(KeyValueStore kv, Genesis genesis, ForkJoinPool pool) {
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
      return new Opened(genesisBlock, genesisBlock, genesisState, 0, 0);
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
    return new Opened(genesisBlock, headBlock, state, fin, paymentsFrom);
  }

  static long decodeMeta(byte[] b, String what) {
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
}
