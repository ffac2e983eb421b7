package org.learnchain.ledger.store;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;
import org.learnchain.crypto.codec.MalformedEncodingException;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.state.StateDiff;
import org.learnchain.ledger.state.StateKey;

/** The typed columns of the chain database and the version of their layout. */
public final class Schema {
  private Schema() {}

  /**
   * Bumped whenever the meaning of stored bytes changes. A database with another version is refused
   * at open rather than misread.
   */
  public static final int VERSION = 1;

  static final byte[] KEY_SCHEMA_VERSION = ascii("schema-version");
  static final byte[] KEY_HEAD = ascii("head");
  static final byte[] KEY_FINALIZED = ascii("finalized");

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static final Function<Hash, byte[]> HASH_KEY = Hash::toArray;

  static byte[] longKey(long v) {
    return new CanonicalWriter(8).i64(v).toByteArray();
  }

  static long decodeLong(byte[] b) {
    CanonicalReader r = new CanonicalReader(b);
    long v = r.i64();
    r.end();
    return v;
  }

  static Hash decodeHash(byte[] b) {
    if (b.length != Hash.LENGTH) {
      throw new MalformedEncodingException("hash of " + b.length + " bytes");
    }
    return Hash.wrap(b);
  }

  static final KvColumn<Hash, Block> BLOCKS =
      new KvColumn<>(Column.BLOCKS, HASH_KEY, Block::encode, Block::decode);

  static final KvColumn<Long, Hash> CANONICAL =
      new KvColumn<>(Column.CANONICAL, Schema::longKey, Hash::toArray, Schema::decodeHash);

  static final KvColumn<Hash, StateDiff> STATE_DIFFS =
      new KvColumn<>(Column.STATE_DIFFS, HASH_KEY, StateDiff::encode, StateDiff::decode);

  /** Where the flat state keeps an entry of each type (pending problems get their own column). */
  static Column columnFor(StateKey key) {
    return switch (key.type()) {
      case PENDING_PROBLEM, CLOSED_PROBLEM -> Column.PROBLEMS;
      case EVIDENCE -> Column.EVIDENCE;
      default -> Column.STATE;
    };
  }

  /** The columns that together hold the flat state. */
  static final Column[] STATE_COLUMNS = {Column.STATE, Column.PROBLEMS, Column.EVIDENCE};

  /** Journal key: round (8 bytes big-endian) then the kind's UTF-8 bytes. */
  static byte[] journalKey(long round, String kind) {
    byte[] k = kind.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[8 + k.length];
    System.arraycopy(longKey(round), 0, out, 0, 8);
    System.arraycopy(k, 0, out, 8, k.length);
    return out;
  }
}
