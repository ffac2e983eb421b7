package org.learnchain.p2p;

import java.util.List;

/**
 * The node's answer to a peer's blocks-by-range request, used by sync. p2p does not know the block
 * format: it carries whatever canonical encodings this returns.
 */
@FunctionalInterface
public interface BlockSource {
  /**
   * The canonical encodings of the blocks at heights {@code fromHeight, fromHeight + 1, ...}, at
   * most {@code maxCount} of them, stopping at the first height this node does not have (so an
   * empty list when it has none). Called on a p2p worker thread; may block briefly on storage.
   */
  List<byte[]> blocksByRange(long fromHeight, int maxCount);

  /** A source for a node that serves no blocks (tests, light tools). */
  static BlockSource none() {
    return (from, max) -> List.of();
  }
}
