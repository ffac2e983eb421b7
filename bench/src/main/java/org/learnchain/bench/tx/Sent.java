package org.learnchain.bench.tx;

/**
 * One transfer the bench sent, and what happened to it (times from {@link System#nanoTime}; 0 while
 * it has not happened). The sender writes the fields it is made with; gRPC callbacks and the block
 * watcher write the rest.
 */
final class Sent {
  final int account;
  final long nonce;
  final long submitNanos;
  final boolean warm;
  volatile long ackNanos;
  volatile long commitNanos;
  volatile long finalNanos;

  /**
   * @param account index of the sending account (-1: a funding transfer)
   * @param warm sent during the warm-up, left out of the figures
   */
  Sent(int account, long nonce, long submitNanos, boolean warm) {
    this.account = account;
    this.nonce = nonce;
    this.submitNanos = submitNanos;
    this.warm = warm;
  }
}
