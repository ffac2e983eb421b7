package org.learnchain.p2p.handshake;

import java.security.GeneralSecurityException;
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
  private static final int FULL_RECORD = FrameSealer.RECORD_BYTES + FrameSealer.TAG_BYTES;

  private final SecretKeySpec key;
  private final Cipher cipher;
  private final byte[] nonce = new byte[12];
  private final byte[] header = new byte[FrameSealer.HEADER_BYTES];
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
    int ctLen = ciphertext.length;
    long ptLen = plaintextLength(ctLen);
    if (ptLen < 0) {
      return Optional.empty();
    }
    header[0] = (byte) (ctLen >>> 24);
    header[1] = (byte) (ctLen >>> 16);
    header[2] = (byte) (ctLen >>> 8);
    header[3] = (byte) ctLen;
    byte[] plaintext = new byte[(int) ptLen];
    int in = 0;
    int out = 0;
    try {
      while (in < ctLen) {
        int n = Math.min(FULL_RECORD, ctLen - in);
        Nonces.fill(nonce, counter++);
        cipher.init(
            Cipher.DECRYPT_MODE, key, new GCMParameterSpec(FrameSealer.TAG_BYTES * 8, nonce));
        cipher.updateAAD(header);
        out += cipher.doFinal(ciphertext, in, n, plaintext, out);
        in += n;
      }
      return Optional.of(plaintext);
    } catch (AEADBadTagException e) {
      return Optional.empty();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM decryption failed", e);
    }
  }
}
