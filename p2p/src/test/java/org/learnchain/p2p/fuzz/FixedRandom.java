package org.learnchain.p2p.fuzz;

import java.security.SecureRandom;
import java.util.Random;

/**
 * A "secure" random that repeats the same stream for the same seed. Fuzz targets use it for
 * ephemeral handshake keys so that a saved input which completed a handshake once completes it on
 * every replay (the peer's signature covers those keys). Test code only.
 */
public final class FixedRandom extends SecureRandom {
  private static final long serialVersionUID = 1L;

  private final transient Random stream;

  public FixedRandom(long seed) {
    this.stream = new Random(seed);
  }

  @Override
  public void nextBytes(byte[] bytes) {
    stream.nextBytes(bytes);
  }
}
