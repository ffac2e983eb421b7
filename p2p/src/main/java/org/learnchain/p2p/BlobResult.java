package org.learnchain.p2p;

import java.util.Set;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PublicKey;

/** The outcome of {@link P2PNetwork#fetchBlob}. */
public sealed interface BlobResult {
  Hash contentHash();

  /**
   * The blob is in the node's blob store and its bytes hash to {@code contentHash}.
   *
   * @param sources peers that delivered chunks (empty when the blob was already stored)
   */
  record Fetched(Hash contentHash, long size, Set<PublicKey> sources) implements BlobResult {
    public Fetched {
      sources = Set.copyOf(sources);
    }
  }

  /** No verified copy could be obtained; nothing was stored. */
  record Failed(Hash contentHash, String reason) implements BlobResult {}
}
