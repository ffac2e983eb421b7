package org.learnchain.p2p.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.learnchain.p2p.TestSupport;

class FrameCipherTest {
  private final byte[] k1 = TestSupport.randomBytes(1, 32);
  private final byte[] k2 = TestSupport.randomBytes(2, 32);

  private static byte[] body(byte[] frame) {
    int len =
        ((frame[0] & 0xff) << 24)
            | ((frame[1] & 0xff) << 16)
            | ((frame[2] & 0xff) << 8)
            | (frame[3] & 0xff);
    assertEquals(frame.length - 4, len, "length prefix");
    return Arrays.copyOfRange(frame, 4, frame.length);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 16383, 16384, 16385, 32768, 100_000, 1 << 20})
  void framesOfEverySizeRoundTripInOrder(int size) {
    SessionKeys keys = new SessionKeys(k1, k2);
    SessionKeys peer = new SessionKeys(k2, k1);
    FrameSealer out = keys.sealer();
    FrameOpener in = peer.opener();
    for (int i = 0; i < 3; i++) {
      byte[] pt = TestSupport.randomBytes(size + i, size);
      byte[] frame = out.seal(pt);
      assertEquals(FrameSealer.ciphertextLength(size), frame.length - 4);
      assertEquals(size, FrameOpener.plaintextLength(frame.length - 4));
      assertArrayEquals(pt, in.open(body(frame)).orElseThrow());
    }
  }

  @Test
  void lengthsNoSealerProducesAreRefused() {
    assertEquals(-1, FrameOpener.plaintextLength(0));
    assertEquals(-1, FrameOpener.plaintextLength(15));
    assertEquals(0, FrameOpener.plaintextLength(16));
    // A full record followed by an empty one is never produced.
    assertEquals(-1, FrameOpener.plaintextLength(16384 + 16 + 16));
    assertEquals(-1, FrameOpener.plaintextLength(16384 + 16 + 5));
    assertEquals(16384 + 1, FrameOpener.plaintextLength(16384 + 16 + 17));
  }

  @Test
  void tamperingReorderingReplayAndTruncationAreDetected() {
    byte[] pt = TestSupport.randomBytes(9, 40_000);

    FrameSealer s = new SessionKeys(k1, k2).sealer();
    byte[] f = s.seal(pt);
    byte[] flipped = body(f);
    flipped[20_000] ^= 1;
    assertTrue(new SessionKeys(k2, k1).opener().open(flipped).isEmpty(), "bit flip");

    FrameSealer s2 = new SessionKeys(k1, k2).sealer();
    byte[] first = s2.seal(pt);
    byte[] second = s2.seal(pt);
    assertTrue(new SessionKeys(k2, k1).opener().open(body(second)).isEmpty(), "second frame first");

    FrameOpener o = new SessionKeys(k2, k1).opener();
    assertTrue(o.open(body(first)).isPresent());
    assertTrue(o.open(body(first)).isEmpty(), "replay");

    // Drop the last record: the length changes, and it is the associated data of every record.
    byte[] cut = Arrays.copyOf(body(first), 2 * (16384 + 16));
    assertTrue(new SessionKeys(k2, k1).opener().open(cut).isEmpty(), "truncated");

    assertTrue(
        new SessionKeys(k1, k2)
            .opener()
            .open(body(new SessionKeys(k1, k2).sealer().seal(pt)))
            .isEmpty(),
        "wrong key");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 16383, 16384, 16385, 100_000})
  void framesSealedIntoABufferOpenRecordByRecordFromDirectMemory(int size) {
    FrameSealer out = new SessionKeys(k1, k2).sealer();
    FrameOpener in = new SessionKeys(k2, k1).opener();
    for (int i = 0; i < 3; i++) {
      // The plaintext sits inside a larger array; the frame goes into direct memory.
      byte[] padded = TestSupport.randomBytes(size + i, size + 10);
      ByteBuffer wire = ByteBuffer.allocateDirect(4 + (int) FrameSealer.ciphertextLength(size) + 3);
      wire.position(3);
      out.seal(padded, 5, size, wire);
      assertEquals(0, wire.remaining(), "the frame fills its room exactly");
      wire.position(3);
      int ctLen = wire.getInt();
      assertEquals(FrameSealer.ciphertextLength(size), ctLen);
      assertEquals(size, in.beginFrame(ctLen));
      byte[] pt = new byte[size + 2];
      int written = 1;
      long left = ctLen;
      while (left > 0) {
        int n = FrameOpener.nextRecordLength(left);
        ByteBuffer record = wire.slice().limit(n);
        assertTrue(in.openRecord(record, pt, written));
        wire.position(wire.position() + n);
        written += n - FrameSealer.TAG_BYTES;
        left -= n;
      }
      assertArrayEquals(
          Arrays.copyOfRange(padded, 5, 5 + size), Arrays.copyOfRange(pt, 1, 1 + size));
    }
  }

  @Test
  void aRecordOpenedUnderTheWrongFrameLengthFailsAndSoDoesTheStreamAfterIt() {
    byte[] pt = TestSupport.randomBytes(4, 20_000);
    byte[] frame = new SessionKeys(k1, k2).sealer().seal(pt);
    FrameOpener in = new SessionKeys(k2, k1).opener();
    // The prefix is every record's associated data: claiming another length breaks the first.
    in.beginFrame(frame.length - 4 + 1);
    assertTrue(
        !in.openRecord(ByteBuffer.wrap(frame, 4, 16384 + 16), new byte[pt.length], 0),
        "wrong associated data");
    byte[] shortRecord = new byte[15];
    assertTrue(!in.openRecord(ByteBuffer.wrap(shortRecord), new byte[0], 0), "shorter than a tag");
  }
}
