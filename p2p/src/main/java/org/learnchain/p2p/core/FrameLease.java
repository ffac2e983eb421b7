package org.learnchain.p2p.core;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The pooled array an inbound envelope was decoded into, travelling with the envelope so that the
 * one consumer that finishes with it (the blob fetcher, once a chunk is hashed and stored) can give
 * it back. Every other consumer just drops it, which is always safe. Giving back twice is refused.
 */
public final class FrameLease {
  private static final FrameLease NONE = new FrameLease(null, null);

  private final ByteArrayPool pool;
  private final byte[] array;
  private final AtomicBoolean released = new AtomicBoolean();

  private FrameLease(ByteArrayPool pool, byte[] array) {
    this.pool = pool;
    this.array = array;
  }

  /** A lease on {@code array}, taken from {@code pool}. */
  public static FrameLease of(ByteArrayPool pool, byte[] array) {
    return new FrameLease(pool, array);
  }

  /** No pooled array (an envelope decoded into an array of its own). */
  public static FrameLease none() {
    return NONE;
  }

  /**
   * Gives the array back to its pool. The caller guarantees that nothing parsed from the envelope
   * (which aliases the array) is read after this.
   */
  void release() {
    if (pool != null && released.compareAndSet(false, true)) {
      pool.give(array);
    }
  }
}
