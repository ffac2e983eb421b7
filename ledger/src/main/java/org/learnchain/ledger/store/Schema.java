package org.learnchain.ledger.store;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;
import org.learnchain.crypto.codec.MalformedEncodingException;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.PaymentKind;
import org.learnchain.ledger.state.StateDiff;
import org.learnchain.ledger.state.StateKey;

/** The typed columns of the chain database and the version of their layout. */
public final class Schema {
  private Schema() {}

  /**
   * Bumped whenever the meaning of stored bytes changes. A database with another version is refused
   * at open rather than misread.
   */
  public static final int VERSION = 2;

  /**
   * Version 1 had no {@link Column#PAYMENTS}; it is upgraded in place at open (the new column
   * starts empty, so payments are known from the next block on: {@link #KEY_PAYMENTS_FROM}).
   */
  static final int VERSION_WITHOUT_PAYMENTS = 1;

  static final byte[] KEY_SCHEMA_VERSION = ascii("schema-version");
  static final byte[] KEY_HEAD = ascii("head");
  static final byte[] KEY_FINALIZED = ascii("finalized");

  /** First height whose payments the PAYMENTS column holds (0 for a database created at v2+). */
  static final byte[] KEY_PAYMENTS_FROM = ascii("payments-from");

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

  /** Payment key: account (20 bytes), height (8 bytes big-endian), index in the block (4 bytes). */
  static byte[] paymentKey(Address account, long height, int index) {
    return new CanonicalWriter(32).address(account).i64(height).i32(index).toByteArray();
  }

  static byte[] paymentValue(Hash block, PaymentKind kind, long amount) {
    return new CanonicalWriter(41).hash(block).u8(kind.id()).i64(amount).toByteArray();
  }

  /** Decodes a payment row; the height comes from the key. */
  static ChainStore.PaymentRecord decodePayment(byte[] key, byte[] value) {
    try {
      CanonicalReader k = new CanonicalReader(key);
      k.address();
      long height = k.i64();
      k.i32();
      k.end();
      CanonicalReader v = new CanonicalReader(value);
      Hash block = v.hash();
      int kind = v.u8();
      long amount = v.i64();
      v.end();
      return new ChainStore.PaymentRecord(height, block, PaymentKind.fromId(kind), amount);
    } catch (MalformedEncodingException | IllegalArgumentException e) {
      throw new CorruptDatabaseException(
          "malformed value in column " + Column.PAYMENTS + ": " + e.getMessage(), e);
    }
  }

  /** Journal key: round (8 bytes big-endian) then the kind's UTF-8 bytes. */
  static byte[] journalKey(long round, String kind) {
    byte[] k = kind.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[8 + k.length];
    System.arraycopy(longKey(round), 0, out, 0, 8);
    System.arraycopy(k, 0, out, 8, k.length);
    return out;
  }
}
