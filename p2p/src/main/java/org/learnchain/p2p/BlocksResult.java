package org.learnchain.p2p;

import java.util.List;
import org.learnchain.crypto.PublicKey;

/** The outcome of {@link P2PNetwork#requestBlocks}: blocks, or why there are none. */
public sealed interface BlocksResult {
  PublicKey peer();

  /**
   * Blocks from {@code fromHeight} on, in height order; possibly fewer than asked, empty when the
   * peer has none from that height. The payloads are unverified bytes from the peer.
   */
  record Blocks(PublicKey peer, long fromHeight, List<byte[]> payloads) implements BlocksResult {
    public Blocks {
      payloads = List.copyOf(payloads);
    }
  }

  /** The request failed: not connected, timed out, peer disconnected, or an error answer. */
  record Failed(PublicKey peer, String reason) implements BlocksResult {}
}
