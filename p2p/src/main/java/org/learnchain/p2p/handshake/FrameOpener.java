package org.learnchain.p2p.handshake;

import java.security.GeneralSecurityException;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Decrypts the inbound frames of one session (the mirror of {@link FrameSealer}). A frame that does
 * not authenticate (tampered, replayed, reordered, or under another key) yields empty: the stream
 * can no longer be trusted and the caller drops the peer. Not thread-safe.
 */
public final class FrameOpener {
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
   * Opens a frame body of {@code ciphertext.length} bytes (the length that was in its prefix).
   *
   * @return the plaintext, or empty when the frame does not authenticate
   */
  public Optional<byte[]> open(byte[] ciphertext) {
    int ctLen = ciphertext.length;
    if (ctLen < FrameSealer.TAG_BYTES) {
      return Optional.empty();
    }
    header[0] = (byte) (ctLen >>> 24);
    header[1] = (byte) (ctLen >>> 16);
    header[2] = (byte) (ctLen >>> 8);
    header[3] = (byte) ctLen;
    Nonces.fill(nonce, counter++);
    byte[] plaintext = new byte[ctLen - FrameSealer.TAG_BYTES];
    try {
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(FrameSealer.TAG_BYTES * 8, nonce));
      cipher.updateAAD(header);
      cipher.doFinal(ciphertext, 0, ctLen, plaintext, 0);
      return Optional.of(plaintext);
    } catch (AEADBadTagException e) {
      return Optional.empty();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM decryption failed", e);
    }
  }
}
