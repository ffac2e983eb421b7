package org.learnchain.ml.train;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.PublicKey;

/**
 * Training seeds. A miner's seed for a round comes from its key and the round, so different miners
 * explore different initialisations and a miner re-training the same round gets the same model.
 */
public final class TrainingSeed {
  private static final byte[] DOMAIN =
      "learnchain/ml/training-seed/v1".getBytes(StandardCharsets.US_ASCII);

  private TrainingSeed() {}

  /** The first 8 bytes (big-endian) of SHA-256 over a domain tag and the length-framed parts. */
  public static long derive(byte[]... parts) {
    int size = DOMAIN.length;
    for (byte[] p : parts) {
      size += 4 + p.length;
    }
    ByteBuffer buf = ByteBuffer.allocate(size).put(DOMAIN);
    for (byte[] p : parts) {
      // Length framing: ("ab","c") and ("a","bc") must not give the same seed.
      buf.putInt(p.length).put(p);
    }
    return ByteBuffer.wrap(Hashing.sha256(buf.array()).toArray()).getLong();
  }

  /** The seed of {@code miner} for {@code round}. */
  public static long forMiner(PublicKey miner, long round) {
    return derive(miner.toArray(), ByteBuffer.allocate(8).putLong(round).array());
  }

  /** A seed for the {@code index}-th use of {@code seed} (SplitMix64 finaliser, a bijection). */
  static long mix(long seed, long index) {
    long z = seed + (index + 1) * 0x9e3779b97f4a7c15L;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
