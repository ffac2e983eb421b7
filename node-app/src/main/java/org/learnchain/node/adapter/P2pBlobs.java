package org.learnchain.node.adapter;

import java.io.IOException;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.port.BlobPort;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.p2p.BlobResult;
import org.learnchain.p2p.P2PNetwork;
import org.learnchain.p2p.blob.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consensus's blob port over p2p's chunked, verified blob transfer. A blob already in the local
 * store (this node submitted the problem, or fetched it before) is read from disk; otherwise it is
 * fetched from peers. A fetch that finds no peer with the blob is retried a few times: at a round's
 * start a miner may ask before the submitter's announcement has reached every peer.
 */
public final class P2pBlobs implements BlobPort {
  private static final Logger LOG = LoggerFactory.getLogger(P2pBlobs.class);

  private final P2PNetwork network;
  private final ScheduledExecutorService retries;
  private final int attempts;
  private final long retryDelayMs;

  /**
   * @param retries the node's scheduler for retry delays (only schedules, never blocks)
   * @param attempts fetch attempts before giving up (at least 1)
   */
  public P2pBlobs(
      P2PNetwork network, ScheduledExecutorService retries, int attempts, long retryDelayMs) {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be positive");
    }
    this.network = network;
    this.retries = retries;
    this.attempts = attempts;
    this.retryDelayMs = retryDelayMs;
  }

  @Override
  public CompletionStage<Result<Bytes>> fetch(Hash hash, long maxBytes) {
    CompletableFuture<Result<Bytes>> out = new CompletableFuture<>();
    attempt(hash, maxBytes, 1, out);
    return out;
  }

  private void attempt(Hash hash, long maxBytes, int n, CompletableFuture<Result<Bytes>> out) {
    if (network.blobStore().contains(hash)) {
      out.complete(readLocal(network.blobStore(), hash, maxBytes));
      return;
    }
    network
        .fetchBlob(hash, maxBytes)
        .thenAccept(
            r -> {
              if (r instanceof BlobResult.Fetched) {
                out.complete(readLocal(network.blobStore(), hash, maxBytes));
              } else if (n >= attempts) {
                out.complete(Result.err(((BlobResult.Failed) r).reason()));
              } else {
                LOG.debug(
                    "Blob fetch failed, retrying blob={} attempt={} reason={}",
                    hash.toShortHex(),
                    n,
                    ((BlobResult.Failed) r).reason());
                try {
                  retries.schedule(
                      () -> attempt(hash, maxBytes, n + 1, out),
                      retryDelayMs,
                      TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                  out.complete(Result.err("the node is shutting down"));
                }
              }
            });
  }

  /** The whole blob from {@code store}, checked against its hash once more. */
  static Result<Bytes> readLocal(BlobStore store, Hash hash, long maxBytes) {
    OptionalLong size = store.size(hash);
    if (size.isEmpty()) {
      return Result.err("blob " + hash.toShortHex() + " vanished from the store");
    }
    if (size.getAsLong() > maxBytes || size.getAsLong() > Integer.MAX_VALUE - 16) {
      return Result.err(
          "blob " + hash.toShortHex() + " has " + size.getAsLong() + " bytes, limit " + maxBytes);
    }
    byte[] data = new byte[(int) size.getAsLong()];
    try {
      int off = 0;
      while (off < data.length) {
        int n = store.read(hash, off, data, off, data.length - off);
        if (n <= 0) {
          return Result.err("blob " + hash.toShortHex() + " is shorter than its size");
        }
        off += n;
      }
    } catch (IOException e) {
      LOG.warn("Blob read failed blob={} error={}", hash.toShortHex(), e.toString());
      return Result.err("cannot read blob " + hash.toShortHex() + ": " + e.getMessage());
    }
    // The store only holds verified blobs; a mismatch now means the disk changed under us.
    if (!Hashing.sha256(data).equals(hash)) {
      return Result.err("stored blob " + hash.toShortHex() + " no longer matches its hash");
    }
    return Result.ok(Bytes.own(data));
  }
}
