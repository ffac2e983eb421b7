package org.learnchain.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import javax.security.auth.Destroyable;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An Ed25519 private key (the 32-byte RFC 8032 seed). Its {@link #toString()} never shows the key,
 * so logging one by mistake leaks nothing; {@link #destroy()} wipes it.
 */
public final class PrivateKey implements Destroyable {
  public static final int LENGTH = Ed25519.SECRET_KEY_SIZE;

  private final byte[] seed;
  private final PublicKey publicKey;
  private volatile boolean destroyed;

  private PrivateKey(byte[] seed) {
    this.seed = seed;
    byte[] pk = new byte[PublicKey.LENGTH];
    Ed25519.generatePublicKey(seed, 0, pk, 0);
    this.publicKey = PublicKey.wrap(pk);
  }

  /** Takes a copy of a 32-byte seed. */
  public static PrivateKey fromSeed(byte[] seed) {
    if (seed.length != LENGTH) {
      throw new IllegalArgumentException("private key must be 32 bytes, got " + seed.length);
    }
    return new PrivateKey(seed.clone());
  }

  public static PrivateKey generate(SecureRandom random) {
    byte[] seed = new byte[LENGTH];
    Ed25519.generatePrivateKey(random, seed);
    return new PrivateKey(seed);
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  /** A copy of the seed, for the keystore. Callers wipe it when done. */
  public byte[] exportSeed() {
    checkLive();
    return seed.clone();
  }

  byte[] seed() {
    checkLive();
    return seed;
  }

  private void checkLive() {
    if (destroyed) {
      throw new IllegalStateException("private key has been destroyed");
    }
  }

  @Override
  public void destroy() {
    Arrays.fill(seed, (byte) 0);
    destroyed = true;
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  @Override
  public String toString() {
    return "PrivateKey[public=" + publicKey.toHex() + "]";
  }
}
