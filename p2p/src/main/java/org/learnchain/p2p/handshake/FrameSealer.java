package org.learnchain.p2p.handshake;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts the outbound frames of one session: {@code len(4, big-endian) || AES-256-GCM(plaintext)}
 * with the length prefix as associated data and a 96-bit nonce made of a frame counter.
 *
 * <p>Invariant: a (key, nonce) pair is used once. The key belongs to this direction of this session
 * only and the counter only increases; the session is closed long before it could wrap. Not
 * thread-safe: one instance per connection, used on that connection's I/O thread, in wire order.
 */
public final class FrameSealer {
  public static final int TAG_BYTES = 16;
  public static final int HEADER_BYTES = 4;

  private final SecretKeySpec key;
  private final Cipher cipher;
  private final byte[] nonce = new byte[12];
  private long counter;

  FrameSealer(byte[] key) {
    this.key = new SecretKeySpec(key, "AES");
    try {
      this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is required by every Java platform", e);
    }
  }

  /** The complete frame (header and ciphertext) for {@code plaintext}. */
  public byte[] seal(byte[] plaintext) {
    return seal(plaintext, 0, plaintext.length);
  }

  public byte[] seal(byte[] plaintext, int offset, int length) {
    if (counter == Long.MAX_VALUE) {
      throw new IllegalStateException("frame counter exhausted; the session must be re-keyed");
    }
    int ctLen = length + TAG_BYTES;
    byte[] frame = new byte[HEADER_BYTES + ctLen];
    frame[0] = (byte) (ctLen >>> 24);
    frame[1] = (byte) (ctLen >>> 16);
    frame[2] = (byte) (ctLen >>> 8);
    frame[3] = (byte) ctLen;
    Nonces.fill(nonce, counter++);
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
      cipher.updateAAD(frame, 0, HEADER_BYTES);
      int n = cipher.doFinal(plaintext, offset, length, frame, HEADER_BYTES);
      if (n != ctLen) {
        throw new IllegalStateException("AES-GCM produced " + n + " bytes, expected " + ctLen);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
    return frame;
  }
}
