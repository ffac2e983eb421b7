package org.learnchain.crypto.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.Hashing;

class CanonicalCodecTest {
  @Test
  void roundTrip() {
    byte[] enc =
        new CanonicalWriter()
            .u8(7)
            .bool(true)
            .i32(-5)
            .i64(Long.MIN_VALUE)
            .f64(0.25)
            .string("héllo")
            .hash(Hashing.sha256(new byte[] {1}))
            .list(List.of(1L, 2L, 3L), CanonicalWriter::i64)
            .toByteArray();
    CanonicalReader r = new CanonicalReader(enc);
    assertEquals(7, r.u8());
    assertEquals(true, r.bool());
    assertEquals(-5, r.i32());
    assertEquals(Long.MIN_VALUE, r.i64());
    assertEquals(0.25, r.f64());
    assertEquals("héllo", r.string(100));
    assertEquals(Hashing.sha256(new byte[] {1}), r.hash());
    assertEquals(List.of(1L, 2L, 3L), r.list(10, CanonicalReader::i64));
    r.end();
  }

  @Test
  void rejectsNonCanonicalAndHostileInput() {
    assertThrows(
        MalformedEncodingException.class, () -> new CanonicalReader(new byte[] {2}).bool());
    // A 2 GB length prefix is refused before any allocation.
    byte[] huge = new CanonicalWriter().i32(Integer.MAX_VALUE).toByteArray();
    assertThrows(MalformedEncodingException.class, () -> new CanonicalReader(huge).bytes(1 << 20));
    byte[] negative = new CanonicalWriter().i32(-1).toByteArray();
    assertThrows(MalformedEncodingException.class, () -> new CanonicalReader(negative).bytes(10));
    byte[] manyItems = new CanonicalWriter().i32(1000).toByteArray();
    assertThrows(
        MalformedEncodingException.class,
        () -> new CanonicalReader(manyItems).list(10_000, CanonicalReader::u8));
    CanonicalReader trailing = new CanonicalReader(new byte[] {1, 2});
    trailing.u8();
    assertThrows(MalformedEncodingException.class, trailing::end);
    byte[] badUtf8 = new CanonicalWriter().bytes(new byte[] {(byte) 0xff}).toByteArray();
    assertThrows(MalformedEncodingException.class, () -> new CanonicalReader(badUtf8).string(10));
    byte[] negZero = new CanonicalWriter().i64(Double.doubleToRawLongBits(-0.0)).toByteArray();
    assertThrows(MalformedEncodingException.class, () -> new CanonicalReader(negZero).f64());
  }

  @Test
  void randomGarbageNeverEscapesAsAnotherException() {
    Random random = new Random(42);
    for (int i = 0; i < 5_000; i++) {
      byte[] junk = new byte[random.nextInt(40)];
      random.nextBytes(junk);
      CanonicalReader r = new CanonicalReader(junk);
      try {
        r.string(16);
        r.list(8, CanonicalReader::hash);
        r.end();
      } catch (MalformedEncodingException expected) {
        // the only failure mode allowed for untrusted bytes
      }
    }
    assertArrayEquals(
        new byte[] {0, 0, 0, 0}, new CanonicalWriter().bytes(new byte[0]).toByteArray());
  }
}
