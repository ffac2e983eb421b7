package org.learnchain.p2p.handshake;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Decrypts the inbound frames of one session (the mirror of {@link FrameSealer}). A frame whose
 * length is not a valid record layout, or any record of which does not authenticate (tampered,
 * replayed, reordered, truncated, or under another key), yields empty: the stream can no longer be
 * trusted and the caller drops the peer. Not thread-safe.
 */
public final class FrameOpener {
  /** The largest record: a full one and its tag. */
  public static final int FULL_RECORD = FrameSealer.RECORD_BYTES + FrameSealer.TAG_BYTES;

  private final SecretKeySpec key;
  private final Cipher cipher;
  private final byte[] nonce = new byte[12];
  private final byte[] header = new byte[FrameSealer.HEADER_BYTES];
  private final byte[] stage = new byte[FULL_RECORD];
  private long counter;

  FrameOpener(byte[] key) {
    this.key = new SecretKeySpec(key, "AES");
    try {
      this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is required by every Java platform", e);
    }
  }

  /**
   * The plaintext length a frame body of {@code ciphertextLength} bytes carries, or -1 when no
   * sealer produces that length (its last record would be shorter than a tag, or empty).
   */
  static long plaintextLength(long ciphertextLength) {
    long full = ciphertextLength / FULL_RECORD;
    long rest = ciphertextLength % FULL_RECORD;
    if (rest == 0) {
      return full == 0 ? -1 : full * FrameSealer.RECORD_BYTES;
    }
    if (rest < FrameSealer.TAG_BYTES || (rest == FrameSealer.TAG_BYTES && full > 0)) {
      return -1;
    }
    return full * FrameSealer.RECORD_BYTES + rest - FrameSealer.TAG_BYTES;
  }

  /**
   * Opens a frame body of {@code ciphertext.length} bytes (the length that was in its prefix).
   *
   * @return the plaintext, or empty when the frame does not authenticate
   */
  public Optional<byte[]> open(byte[] ciphertext) {
    long ptLen = beginFrame(ciphertext.length);
    if (ptLen < 0) {
      return Optional.empty();
    }
    byte[] plaintext = new byte[(int) ptLen];
    int in = 0;
    int out = 0;
    while (in < ciphertext.length) {
      int n = nextRecordLength(ciphertext.length - in);
      if (!openRecord(ByteBuffer.wrap(ciphertext, in, n), plaintext, out)) {
        return Optional.empty();
      }
      in += n;
      out += n - FrameSealer.TAG_BYTES;
    }
    return Optional.of(plaintext);
  }

  /**
   * Starts a frame whose length prefix announced {@code ciphertextLength} bytes: that prefix is the
   * associated data of each of its records. Returns the plaintext length the frame carries, or -1
   * when no sealer produces that length (the caller drops the peer).
   */
  public long beginFrame(int ciphertextLength) {
    header[0] = (byte) (ciphertextLength >>> 24);
    header[1] = (byte) (ciphertextLength >>> 16);
    header[2] = (byte) (ciphertextLength >>> 8);
    header[3] = (byte) ciphertextLength;
    return plaintextLength(ciphertextLength);
  }

  /**
   * The length of the next record (ciphertext and tag) when {@code remaining} ciphertext bytes of
   * the current frame are still to come.
   */
  public static int nextRecordLength(long remaining) {
    return (int) Math.min(FULL_RECORD, remaining);
  }

  /**
   * Opens the next record of the current frame from {@code record} (exactly the record, {@link
   * #nextRecordLength} bytes, which are consumed) into {@code dst} at {@code dstOffset}. Records
   * must be opened in wire order: each takes the next nonce.
   *
   * @return false when the record does not authenticate (tampered, replayed, reordered, truncated,
   *     or under another key): the stream can no longer be trusted
   */
  public boolean openRecord(ByteBuffer record, byte[] dst, int dstOffset) {
    int len = record.remaining();
    if (len > FULL_RECORD) {
      throw new IllegalArgumentException("record of " + len + " bytes");
    }
    boolean ok;
    if (record.hasArray()) {
      ok =
          openRecord(record.array(), record.arrayOffset() + record.position(), len, dst, dstOffset);
    } else {
      // As in FrameSealer: AES-GCM on arrays beats direct buffers by more than this copy.
      record.get(record.position(), stage, 0, len);
      ok = openRecord(stage, 0, len, dst, dstOffset);
    }
    record.position(record.limit());
    return ok;
  }

  /** {@link #openRecord(ByteBuffer, byte[], int)} for a record at {@code src[offset, +length)}. */
  public boolean openRecord(byte[] src, int offset, int length, byte[] dst, int dstOffset) {
    if (length > FULL_RECORD) {
      throw new IllegalArgumentException("record of " + length + " bytes");
    }
    Objects.checkFromIndexSize(offset, length, src.length);
    int n = length - FrameSealer.TAG_BYTES;
    if (n < 0) {
      return false;
    }
    Objects.checkFromIndexSize(dstOffset, n, dst.length);
    try {
      Nonces.fill(nonce, counter++);
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(FrameSealer.TAG_BYTES * 8, nonce));
      cipher.updateAAD(header);
      cipher.doFinal(src, offset, length, dst, dstOffset);
      return true;
    } catch (AEADBadTagException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM decryption failed", e);
    }
  }
}
