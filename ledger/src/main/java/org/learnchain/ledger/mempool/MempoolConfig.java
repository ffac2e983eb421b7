package org.learnchain.ledger.mempool;

/**
 * Bounds of the mempool.
 *
 * @param maxTransactions most transactions held
 * @param maxBytes most encoded bytes held
 * @param maxPerSender most transactions held for one sender (a spammer cannot fill the pool alone)
 * @param maxNonceGap how far ahead of its account's nonce a transaction may be and still wait
 */
public record MempoolConfig(int maxTransactions, long maxBytes, int maxPerSender, int maxNonceGap) {
  public static final MempoolConfig DEFAULT = new MempoolConfig(20_000, 64L << 20, 64, 64);

  public MempoolConfig {
    if (maxTransactions < 1 || maxBytes < 1 || maxPerSender < 1 || maxNonceGap < 0) {
      throw new IllegalArgumentException("mempool bounds must be positive");
    }
  }
}
