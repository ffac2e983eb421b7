package org.learnchain.node.adapter;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.store.ChainStore;
import org.learnchain.p2p.BlockSource;
import org.learnchain.p2p.BlocksResult;
import org.learnchain.p2p.P2PNetwork;
import org.learnchain.p2p.PeerInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Block sync over p2p's blocks-by-range requests, both ways. It serves this node's canonical blocks
 * to peers ({@link BlockSource}), and it catches this node up: from every newly connected peer, and
 * whenever consensus misses a block's parent, it asks the peer for its canonical blocks from just
 * above this node's finalized height and hands them to consensus, which verifies each one and
 * ignores those it has. Everything above the finalized height may have forked, so that is where
 * sync starts; a full batch is followed by the next one until the peer has no more.
 */
public final class BlockSync implements BlockSource {
  private static final Logger LOG = LoggerFactory.getLogger(BlockSync.class);

  /** Blocks asked for per request (p2p caps it at its own maximum as well). */
  static final int BATCH = 32;

  /** Most bytes served in one answer: a frame must carry them. */
  private final long maxAnswerBytes;

  private final ChainStore store;
  private final Set<PublicKey> inFlight = ConcurrentHashMap.newKeySet();
  private final Set<PublicKey> known = ConcurrentHashMap.newKeySet();
  private volatile P2PNetwork network;
  private volatile Consumer<byte[]> sink;

  /**
   * @param maxAnswerBytes the largest answer a p2p frame carries; blocks beyond it wait for the
   *     next request
   */
  public BlockSync(ChainStore store, long maxAnswerBytes) {
    this.store = store;
    this.maxAnswerBytes = maxAnswerBytes;
  }

  /**
   * Connects the sync to the network it asks and the consumer that takes fetched blocks
   * (consensus's {@code onBlock}). Called once while the node is assembled: the network needs this
   * object as its block source before the consumer exists.
   */
  public void bind(P2PNetwork network, Consumer<byte[]> sink) {
    this.network = network;
    this.sink = sink;
  }

  @Override
  public List<byte[]> blocksByRange(long fromHeight, int maxCount) {
    List<byte[]> out = new ArrayList<>();
    long bytes = 0;
    for (long h = Math.max(0, fromHeight); out.size() < maxCount; h++) {
      Optional<Block> b = store.canonicalBlock(h);
      if (b.isEmpty()) {
        break;
      }
      byte[] encoded = b.get().encode();
      bytes += encoded.length;
      // At least one block per answer, or a peer behind a large block would never pass it.
      if (!out.isEmpty() && bytes > maxAnswerBytes) {
        break;
      }
      out.add(encoded);
    }
    return out;
  }

  /** Consensus misses the block {@code hash} (an orphan's parent): ask every peer. */
  public void requestMissing(Hash hash) {
    LOG.debug("Sync requested missing={}", hash.toShortHex());
    P2PNetwork n = network;
    if (n == null) {
      return;
    }
    for (PeerInfo p : n.peers()) {
      syncFrom(p.key(), store.finalizedHeight() + 1);
    }
  }

  /** Starts a catch-up from each peer connected since the last call (called periodically). */
  public void syncNewPeers() {
    P2PNetwork n = network;
    if (n == null) {
      return;
    }
    Set<PublicKey> now = ConcurrentHashMap.newKeySet();
    for (PeerInfo p : n.peers()) {
      now.add(p.key());
      if (known.add(p.key())) {
        LOG.debug("Sync from new peer peer={}", p.key().address());
        syncFrom(p.key(), store.finalizedHeight() + 1);
      }
    }
    // A peer that disconnected and comes back is synced from again.
    known.retainAll(now);
  }

  private void syncFrom(PublicKey peer, long from) {
    P2PNetwork n = network;
    Consumer<byte[]> s = sink;
    if (n == null || s == null || !inFlight.add(peer)) {
      return;
    }
    n.requestBlocks(peer, from, BATCH)
        .thenAccept(
            r -> {
              inFlight.remove(peer);
              if (r instanceof BlocksResult.Blocks b) {
                for (byte[] payload : b.payloads()) {
                  s.accept(payload);
                }
                if (!b.payloads().isEmpty()) {
                  LOG.debug(
                      "Sync batch peer={} from={} blocks={}",
                      peer.address(),
                      from,
                      b.payloads().size());
                  // Answers are cut by count and by bytes: go on until the peer has no more.
                  syncFrom(peer, from + b.payloads().size());
                }
              } else if (r instanceof BlocksResult.Failed f) {
                LOG.debug("Sync request failed peer={} reason={}", peer.address(), f.reason());
              }
            });
  }
}
