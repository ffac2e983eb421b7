package org.learnchain.crypto.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.PublicKey;
import org.learnchain.crypto.Signature;
import org.learnchain.crypto.fuzz.FuzzInputs;
import org.learnchain.crypto.fuzz.ThreadAllocations;

/**
 * Fuzzes {@link CanonicalReader}, the strict reader every decoder of untrusted bytes is built on.
 *
 * <p>Input layout: byte 0 gives the number of fields (1-16, low four bits), the next bytes give
 * each field's kind (see {@link Field}), the rest is the encoding read with that schema. The
 * contract checked: the reader either throws {@link MalformedEncodingException} or accepts, never
 * anything else; it allocates in proportion to the input, whatever length prefixes claim; and an
 * accepted encoding is the only encoding of its values (writing them back gives the same bytes).
 *
 * <p>Saved inputs in {@code CanonicalReaderFuzzTestInputs/} replay in every {@code mvn test}; fuzz
 * with {@code JAZZER_FUZZ=1} (the command is in {@link FuzzInputs}).
 */
class CanonicalReaderFuzzTest {
  /** Field kinds a schema is made of; the ordinal is the schema byte modulo the count. */
  enum Field {
    U8,
    BOOL,
    I32,
    I64,
    F64,
    BYTES,
    STRING,
    HASH,
    PUBLIC_KEY,
    ADDRESS,
    SIGNATURE,
    I64_LIST,
    STRING_LIST
  }

  static final int MAX_BYTES = 64;
  static final int MAX_LIST = 8;
  static final int MAX_LIST_STRING = 16;

  @FuzzTest(maxDuration = "3m")
  void acceptedEncodingsAreCanonical(byte[] data) {
    if (data.length == 0) {
      return;
    }
    int count = (data[0] & 0x0f) + 1;
    if (data.length < 1 + count) {
      return;
    }
    List<Field> schema = new ArrayList<>(count);
    for (int i = 1; i <= count; i++) {
      schema.add(Field.values()[(data[i] & 0xff) % Field.values().length]);
    }
    int offset = 1 + count;
    int length = data.length - offset;

    List<Object> values;
    try {
      values =
          ThreadAllocations.bounded(
              length,
              () -> {
                CanonicalReader r = new CanonicalReader(data, offset, length);
                List<Object> read = new ArrayList<>(count);
                for (Field f : schema) {
                  read.add(read(r, f));
                }
                r.end();
                return read;
              });
    } catch (MalformedEncodingException rejected) {
      return;
    }

    CanonicalWriter w = new CanonicalWriter();
    for (int i = 0; i < count; i++) {
      write(w, schema.get(i), values.get(i));
    }
    assertArrayEquals(
        Arrays.copyOfRange(data, offset, data.length),
        w.toByteArray(),
        () -> "accepted a non-canonical encoding of " + values + " with schema " + schema);
  }

  private static Object read(CanonicalReader r, Field f) {
    return switch (f) {
      case U8 -> r.u8();
      case BOOL -> r.bool();
      case I32 -> r.i32();
      case I64 -> r.i64();
      case F64 -> r.f64();
      case BYTES -> r.bytes(MAX_BYTES);
      case STRING -> r.string(MAX_BYTES);
      case HASH -> r.hash();
      case PUBLIC_KEY -> r.publicKey();
      case ADDRESS -> r.address();
      case SIGNATURE -> r.signature();
      case I64_LIST -> r.list(MAX_LIST, CanonicalReader::i64);
      case STRING_LIST -> r.list(MAX_LIST, x -> x.string(MAX_LIST_STRING));
    };
  }

  @SuppressWarnings("unchecked")
  private static void write(CanonicalWriter w, Field f, Object v) {
    switch (f) {
      case U8 -> w.u8((Integer) v);
      case BOOL -> w.bool((Boolean) v);
      case I32 -> w.i32((Integer) v);
      case I64 -> w.i64((Long) v);
      case F64 -> w.f64((Double) v);
      case BYTES -> w.bytes((byte[]) v);
      case STRING -> w.string((String) v);
      case HASH -> w.hash((Hash) v);
      case PUBLIC_KEY -> w.publicKey((PublicKey) v);
      case ADDRESS -> w.address((Address) v);
      case SIGNATURE -> w.signature((Signature) v);
      case I64_LIST -> w.list((List<Long>) v, CanonicalWriter::i64);
      case STRING_LIST -> w.list((List<String>) v, CanonicalWriter::string);
    }
  }

  /** Seeds: every field kind with a valid value, and the edges of each limit. */
  static Map<String, byte[]> seeds() {
    Hash h = Hashing.sha256("seed".getBytes(StandardCharsets.US_ASCII));
    byte[] key = new byte[PublicKey.LENGTH];
    byte[] sig = new byte[Signature.LENGTH];
    Arrays.fill(key, (byte) 0x11);
    Arrays.fill(sig, (byte) 0x22);
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put(
        "every-field",
        seed(
            List.of(Field.values()),
            new CanonicalWriter()
                .u8(7)
                .bool(true)
                .i32(-5)
                .i64(Long.MIN_VALUE)
                .f64(0.25)
                .bytes(new byte[] {1, 2, 3})
                .string("h\u00e9llo")
                .hash(h)
                .publicKey(PublicKey.wrap(key))
                .address(Address.wrap(Arrays.copyOf(key, Address.LENGTH)))
                .signature(Signature.wrap(sig))
                .list(List.of(1L, 2L, 3L), CanonicalWriter::i64)
                .list(List.of("a", "\u00df", "\ud83d\ude00"), CanonicalWriter::string)));
    seeds.put(
        "limits",
        seed(
            List.of(Field.BYTES, Field.STRING, Field.I64_LIST, Field.F64, Field.BOOL),
            new CanonicalWriter()
                .bytes(new byte[MAX_BYTES])
                .string("")
                .list(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), CanonicalWriter::i64)
                .f64(Double.NEGATIVE_INFINITY)
                .bool(false)));
    return seeds;
  }

  private static byte[] seed(List<Field> schema, CanonicalWriter encoding) {
    byte[] body = encoding.toByteArray();
    byte[] out = new byte[1 + schema.size() + body.length];
    out[0] = (byte) (schema.size() - 1);
    for (int i = 0; i < schema.size(); i++) {
      out[1 + i] = (byte) schema.get(i).ordinal();
    }
    System.arraycopy(body, 0, out, 1 + schema.size(), body.length);
    return out;
  }

  @Test
  void seedsAreAcceptedAndSaved() {
    for (byte[] seed : seeds().values()) {
      int count = (seed[0] & 0x0f) + 1;
      CanonicalReader r = new CanonicalReader(seed, 1 + count, seed.length - 1 - count);
      for (int i = 1; i <= count; i++) {
        read(r, Field.values()[seed[i]]);
      }
      r.end();
      acceptedEncodingsAreCanonical(seed);
    }
    FuzzInputs.sync(getClass(), "acceptedEncodingsAreCanonical", seeds());
  }
}
