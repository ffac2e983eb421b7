package org.learnchain.ledger;

import java.security.DigestException;
import java.security.MessageDigest;
import java.util.List;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;

/**
 * The Merkle root of a block's transaction hashes. Leaves are {@code H(0x00 || txHash)}, inner
 * nodes {@code H(0x01 || left || right)}; the prefixes keep a leaf from ever being read as an inner
 * node. A level with an odd count promotes its last node unchanged rather than pairing it with
 * itself, so two different lists never share a root (the duplicated-last-leaf flaw of Bitcoin's
 * tree). The empty list's root is {@link Hash#ZERO}.
 */
public final class TxMerkle {
  private TxMerkle() {}

  public static Hash root(List<Hash> txHashes) {
    int n = txHashes.size();
    if (n == 0) {
      return Hash.ZERO;
    }
    MessageDigest md = Hashing.newSha256();
    byte[][] level = new byte[n][];
    byte[] buf = new byte[1 + 2 * Hash.LENGTH];
    for (int i = 0; i < n; i++) {
      buf[0] = 0x00;
      txHashes.get(i).copyTo(buf, 1);
      level[i] = digest(md, buf, 1 + Hash.LENGTH);
    }
    while (n > 1) {
      int half = (n + 1) / 2;
      for (int i = 0; i < n / 2; i++) {
        buf[0] = 0x01;
        System.arraycopy(level[2 * i], 0, buf, 1, Hash.LENGTH);
        System.arraycopy(level[2 * i + 1], 0, buf, 1 + Hash.LENGTH, Hash.LENGTH);
        level[i] = digest(md, buf, buf.length);
      }
      if ((n & 1) == 1) {
        level[half - 1] = level[n - 1];
      }
      n = half;
    }
    return Hash.wrap(level[0]);
  }

  private static byte[] digest(MessageDigest md, byte[] buf, int len) {
    md.update(buf, 0, len);
    byte[] out = new byte[Hash.LENGTH];
    try {
      md.digest(out, 0, Hash.LENGTH);
    } catch (DigestException e) {
      throw new IllegalStateException("SHA-256 output buffer is 32 bytes", e);
    }
    return out;
  }
}
