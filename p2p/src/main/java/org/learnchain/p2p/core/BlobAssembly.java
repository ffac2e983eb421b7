package org.learnchain.p2p.core;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.TreeMap;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.PublicKey;
import org.learnchain.p2p.blob.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One blob put together under one manifest, whichever peers the chunks come from: chunks are
 * verified and written strictly in order, each hashed once. Adding chunk {@code i} to the running
 * digest must give the manifest's prefix hash {@code i} (checked on a finished copy); a chunk that
 * does not is refused and the digest goes on from before it. Chunks that arrive ahead of their turn
 * wait, unverified, in a reorder buffer (the fetcher bounds how far ahead it asks). Only verified
 * chunks reach the store's writer, and nothing is visible until {@link #commit}.
 *
 * <p>Confined to the blob thread, like the fetch that owns it.
 */
final class BlobAssembly {
  private static final Logger LOG = LoggerFactory.getLogger(BlobAssembly.class);

  /** What became of a chunk when its turn came. */
  interface Verdicts {
    void accepted(int index, PublicKey peer);

    void refused(int index, PublicKey peer);

    /** The store could not take a verified chunk; the assembly is of no further use. */
    void storeFailed(IOException e);
  }

  /** A chunk waiting for its turn; its bytes alias the frame under {@code lease}. */
  private record Held(ByteSlice data, FrameLease lease, PublicKey peer) {}

  private final BlobManifest manifest;
  private final TreeMap<Integer, Held> reorder = new TreeMap<>();
  private MessageDigest digest = Hashing.newSha256();
  private BlobStore.BlobWriter writer;
  private int next;

  BlobAssembly(BlobManifest manifest) {
    this.manifest = manifest;
  }

  BlobManifest manifest() {
    return manifest;
  }

  /** Prepares the store for the blob; chunks are taken only after this. */
  void open(BlobStore store) throws IOException {
    writer = store.create(manifest.contentHash(), manifest.size());
  }

  boolean isOpen() {
    return writer != null;
  }

  /** The first chunk not yet verified (all before it are stored). */
  int nextToVerify() {
    return next;
  }

  boolean complete() {
    return next == manifest.chunkCount();
  }

  /**
   * Takes chunk {@code index} from {@code peer}: verifies and stores it if it is the next one (and
   * then every waiting chunk whose turn follows), holds it if it is ahead, drops it if it was
   * already taken. Returns true when the chunk is held, so its frame must stay leased until the
   * assembly releases it (or {@link #discard}s it); otherwise the caller releases it.
   */
  boolean offer(int index, ByteSlice data, FrameLease lease, PublicKey peer, Verdicts verdicts) {
    boolean held = false;
    if (index == next) {
      verifyAndStore(index, data, peer, verdicts);
    } else if (index > next && !reorder.containsKey(index)) {
      reorder.put(index, new Held(data, lease, peer));
      held = true;
    }
    // A refused chunk stops the run: its index is not in the buffer, so the next key is not next.
    while (writer != null && !reorder.isEmpty() && reorder.firstKey() == next) {
      Held h = reorder.pollFirstEntry().getValue();
      try {
        verifyAndStore(next, h.data(), h.peer(), verdicts);
      } finally {
        h.lease().release();
      }
    }
    return held;
  }

  private void verifyAndStore(int index, ByteSlice data, PublicKey peer, Verdicts verdicts) {
    MessageDigest after;
    try {
      after = (MessageDigest) digest.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 digest cannot be copied", e);
    }
    after.update(data.array(), data.offset(), data.length());
    if (!BlobManifest.finishCopy(after).equals(manifest.prefixHashes().get(index))) {
      verdicts.refused(index, peer);
      return;
    }
    try {
      writer.write(manifest.offset(index), data.array(), data.offset(), data.length());
    } catch (IOException e) {
      verdicts.storeFailed(e);
      return;
    }
    digest = after;
    next++;
    verdicts.accepted(index, peer);
  }

  /** What the verified chunks hash to; the content hash once {@link #complete}. */
  Hash digest() {
    return BlobManifest.finishCopy(digest);
  }

  /** Makes the verified blob visible in the store. */
  void commit() throws IOException {
    writer.commit();
    writer.close();
    writer = null;
  }

  /** Lets go of every waiting chunk and discards the partial blob. */
  void discard() {
    reorder.values().forEach(h -> h.lease().release());
    reorder.clear();
    if (writer != null) {
      try {
        writer.close();
      } catch (IOException e) {
        LOG.warn(
            "Discarding partial blob failed blob={} reason={}",
            manifest.contentHash().toShortHex(),
            e.toString());
      }
      writer = null;
    }
  }
}
