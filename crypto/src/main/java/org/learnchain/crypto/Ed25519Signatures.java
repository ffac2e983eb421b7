package org.learnchain.crypto;

import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Ed25519 (RFC 8032, pure) through Bouncy Castle's low-level implementation, 8-20x faster than the
 * JDK's on Java 17. Protocol code signs through {@link #sign(PrivateKey, SigningDomain, byte[])},
 * which always applies a domain; the raw methods exist for test vectors and the handshake
 * transcript.
 */
public final class Ed25519Signatures {
  // Decoded public keys of recent signers (each verification of a known key skips decompression).
  private static final DecodedKeys KEYS = new DecodedKeys();

  private Ed25519Signatures() {}

  /** Signs {@code payload} inside {@code domain}. */
  public static Signature sign(PrivateKey key, SigningDomain domain, byte[] payload) {
    return signRaw(key, domain.message(payload));
  }

  /**
   * True when {@code signature} is {@code key}'s signature of {@code payload} inside {@code
   * domain}.
   */
  public static boolean verify(
      PublicKey key, SigningDomain domain, byte[] payload, Signature signature) {
    return verifyRaw(key, domain.message(payload), signature);
  }

  /** Signs {@code message} exactly as given (no domain). */
  public static Signature signRaw(PrivateKey key, byte[] message) {
    byte[] sig = new byte[Signature.LENGTH];
    Ed25519.sign(key.seed(), 0, key.publicKey().raw(), 0, message, 0, message.length, sig, 0);
    return Signature.own(sig);
  }

  /**
   * Verifies a signature over {@code message} exactly as given. Returns false, never throws, for a
   * malformed key or signature: bad input from the network is a value, not an exception.
   */
  public static boolean verifyRaw(PublicKey key, byte[] message, Signature signature) {
    try {
      Ed25519.PublicPoint point = KEYS.point(key.raw());
      return point != null && Ed25519.verify(signature.raw(), 0, point, message, 0, message.length);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * {@link #verifyRaw} with the key decoded anew, as Bouncy Castle's byte-key verification does:
   * the reference the cached way is tested against.
   */
  static boolean verifyUncached(PublicKey key, byte[] message, Signature signature) {
    try {
      return Ed25519.verify(signature.raw(), 0, key.raw(), 0, message, 0, message.length);
    } catch (RuntimeException e) {
      return false;
    }
  }
}
