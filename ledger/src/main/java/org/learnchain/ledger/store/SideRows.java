package org.learnchain.ledger.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.ledger.store.ChainStore.PeerRecord;

/**
 * The rows a chain store keeps beside the chain and that never touch its state: content-addressed
 * blobs, the consensus journal (messages a node signed, by round and kind, read back after a
 * restart instead of signing a conflicting one) and the peer records. Each write is its own batch,
 * synced except for peer records.
 */
final class SideRows {
  private static final int MAX_JOURNAL_KIND_BYTES = 64;

  private final KeyValueStore kv;

  SideRows(KeyValueStore kv) {
    this.kv = kv;
  }

  Hash putBlob(byte[] data) {
    Hash hash = Hashing.sha256(data);
    try (KeyValueStore.WriteBatch b = kv.batch()) {
      b.put(Column.BLOBS, hash.toArray(), data);
      b.commit(true);
    }
    return hash;
  }

  Optional<byte[]> blob(Hash hash) {
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

  void journal(long round, String kind, byte[] message, boolean sync) {
    Objects.requireNonNull(message, "message");
    try (KeyValueStore.WriteBatch b = kv.batch()) {
      b.put(Column.JOURNAL, journalKey(round, kind), message);
      b.commit(sync);
    }
  }

  Optional<byte[]> journaled(long round, String kind) {
    return kv.get(Column.JOURNAL, journalKey(round, kind));
  }

  List<String> journaledKinds(long round) {
    byte[] prefix = Schema.journalKey(round, "");
    List<String> out = new ArrayList<>();
    try (KeyValueStore.KvIterator it = kv.iterator(Column.JOURNAL, prefix)) {
      while (it.next()) {
        byte[] key = it.key();
        out.add(new String(Arrays.copyOfRange(key, 8, key.length), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  void pruneJournal(long round) {
    try (KeyValueStore.WriteBatch b = kv.batch();
        KeyValueStore.KvIterator it = kv.iterator(Column.JOURNAL)) {
      while (it.next()) {
        byte[] key = it.key();
        if (Schema.decodeLong(Arrays.copyOf(key, 8)) >= round) {
          break;
        }
        b.delete(Column.JOURNAL, key);
      }
      if (b.size() > 0) {
        // Housekeeping, not waited for: the next synced write carries it to the disk; entries a
        // crash brings back are below the current height and pruned again.
        b.commit(false);
      }
    }
  }

  void putPeer(byte[] id, byte[] record) {
    try (KeyValueStore.WriteBatch b = kv.batch()) {
      b.put(Column.PEERS, id, record);
      b.commit(false);
    }
  }

  void removePeer(byte[] id) {
    try (KeyValueStore.WriteBatch b = kv.batch()) {
      b.delete(Column.PEERS, id);
      b.commit(false);
    }
  }

  List<PeerRecord> peers() {
    List<PeerRecord> out = new ArrayList<>();
    try (KeyValueStore.KvIterator it = kv.iterator(Column.PEERS)) {
      while (it.next()) {
        out.add(new PeerRecord(it.key(), it.value()));
      }
    }
    return out;
  }
}
