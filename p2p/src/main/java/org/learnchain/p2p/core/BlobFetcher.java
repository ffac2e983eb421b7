package org.learnchain.p2p.core;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PublicKey;
import org.learnchain.p2p.BlobResult;
import org.learnchain.p2p.ReputationAdjustment;
import org.learnchain.proto.p2p.BlobChunk;
import org.learnchain.proto.p2p.BlobChunkRequest;
import org.learnchain.proto.p2p.BlobManifestRequest;
import org.learnchain.proto.p2p.ErrorResponse;
import org.learnchain.proto.p2p.Request;
import org.learnchain.proto.p2p.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches blobs by content hash: a manifest from the first peer that has the blob, then chunk
 * requests (a window of them in flight) to one source at a time. A source that disconnects, times
 * out or answers badly is dropped for this fetch and the missing chunks are asked of the next one,
 * which must present the same manifest (or, once the manifest's own source was dropped, may bring
 * another one, and the fetch starts over under it). Each byte is hashed once: chunks go into the
 * whole-blob digest in order, and after each chunk the digest so far must be the chunk's prefix
 * hash ({@link BlobManifest}); a chunk that fails is refused, its sender penalised, and the digest
 * goes on from before it. Only verified chunks are written to the store, and the blob is committed
 * only once the digest is the content hash.
 *
 * <p>Memory per fetch is bounded: chunks that arrive ahead of a gap wait, unverified, in a reorder
 * buffer, and no chunk more than {@code 2 x window} past the first unhashed one is requested. Chunk
 * requests are paced under the source's request rate ({@link PeerSession#outboundRequests}).
 *
 * <p>All fetch state is confined to the single blob thread.
 */
final class BlobFetcher {
  private static final Logger LOG = LoggerFactory.getLogger(BlobFetcher.class);

  /** How long a fetch paced below its source's request rate waits before asking again. */
  private static final long PUMP_RETRY_NANOS = 1_000_000;

  /**
   * BUSY answers a fetch takes from its source before it gives the source up. A source that says
   * BUSY is healthy but loaded (or saw a burst of our paced requests arrive together): the chunk is
   * asked again after a back-off that grows with each BUSY, instead of failing a fetch that has
   * only one source.
   */
  static final int MAX_BUSY_RETRIES = 8;

  /** Back-off after the first BUSY answer; doubles with each further one. */
  private static final long BUSY_BACKOFF_NANOS = 50_000_000;

  private final P2PCore core;
  private final ExecutorService executor;
  private final Map<Hash, Fetch> active = new HashMap<>();

  BlobFetcher(P2PCore core, ExecutorService executor) {
    this.core = core;
    this.executor = executor;
  }

  CompletableFuture<BlobResult> fetch(Hash hash, long maxBytes, List<PublicKey> preferred) {
    CompletableFuture<BlobResult> result = new CompletableFuture<>();
    try {
      executor.execute(
          () -> {
            Fetch running = active.get(hash);
            if (running != null) {
              running.future.whenComplete((r, ex) -> result.complete(r));
              return;
            }
            Fetch f = new Fetch(hash, maxBytes, preferred);
            f.future.whenComplete((r, ex) -> result.complete(r));
            active.put(hash, f);
            f.start();
          });
    } catch (RejectedExecutionException e) {
      result.complete(new BlobResult.Failed(hash, "network stopped"));
    }
    return result;
  }

  /** Fails every running fetch (the network is stopping). */
  void stop() {
    try {
      executor.execute(
          () -> {
            for (Fetch f : new ArrayList<>(active.values())) {
              f.fail("network stopped");
            }
          });
    } catch (RejectedExecutionException e) {
      LOG.debug("Blob fetcher already stopped");
    }
  }

  /**
   * A chunk answer and, if it carries a chunk of the expected place and length, its bytes; the
   * bytes alias the frame under {@code lease}.
   */
  private record CheckedChunk(
      RequestOutcome outcome, ByteSlice data, String problem, FrameLease lease) {}

  /**
   * Checks a chunk answer's place and length against the manifest; runs off the blob thread. Its
   * content is checked in order on the blob thread ({@link BlobAssembly}).
   */
  private static CheckedChunk check(BlobManifest m, int idx, RequestOutcome o) {
    if (!(o instanceof RequestOutcome.Reply reply)) {
      return new CheckedChunk(o, null, null, FrameLease.none());
    }
    if (!reply.response().hasBlobChunk()) {
      return new CheckedChunk(o, null, null, reply.lease());
    }
    BlobChunk c = reply.response().getBlobChunk();
    if (c.getOffset() != m.offset(idx) || c.getData().size() != m.length(idx)) {
      return new CheckedChunk(o, null, "wrong offset or length", reply.lease());
    }
    // A view of the decrypted frame, not a copy: the frame's array is this chunk's alone.
    return new CheckedChunk(o, ByteSlice.of(c.getData()), null, reply.lease());
  }

  private final class Fetch {
    final Hash hash;
    final long maxBytes;
    final List<PublicKey> preferred;
    final CompletableFuture<BlobResult> future = new CompletableFuture<>();
    final Set<PublicKey> excluded = new HashSet<>();
    final Set<PublicKey> contributors = new HashSet<>();
    final Set<Integer> inFlight = new HashSet<>();
    final PriorityQueue<Integer> retry = new PriorityQueue<>();
    final int window = core.config().blobWindow();

    /** The blob under the manifest in use; null until a manifest is accepted. */
    BlobAssembly assembly;

    PublicKey manifestSource;
    PublicKey source;
    int generation;
    int nextToRequest;
    boolean done;
    boolean pumpScheduled;

    /** BUSY answers taken from the current source (reset when the source changes). */
    int busyAnswers;

    String lastProblem = "no connected peer";

    Fetch(Hash hash, long maxBytes, List<PublicKey> preferred) {
      this.hash = hash;
      this.maxBytes = maxBytes;
      this.preferred = preferred;
    }

    void start() {
      var size = core.store().size(hash);
      if (size.isPresent()) {
        succeed(size.getAsLong());
        return;
      }
      LOG.info("Blob fetch started blob={} maxBytes={}", hash.toShortHex(), maxBytes);
      askNextSource();
    }

    /** Asks the best remaining peer for its manifest; fails the fetch when none is left. */
    void askNextSource() {
      source = null;
      int gen = ++generation;
      Optional<PeerSession> next =
          core.sessions().sourcesInOrder(preferred).stream()
              .filter(s -> !excluded.contains(s.key))
              .findFirst();
      if (next.isEmpty()) {
        fail("no peer could serve it (last problem: " + lastProblem + ")");
        return;
      }
      PeerSession s = next.get();
      core.request(
              s,
              Request.newBuilder()
                  .setBlobManifest(
                      BlobManifestRequest.newBuilder()
                          .setContentHash(ByteString.copyFrom(hash.toArray()))))
          .thenAcceptAsync(o -> onManifest(gen, o), executor);
    }

    void onManifest(int gen, RequestOutcome o) {
      if (done || gen != generation) {
        return;
      }
      PublicKey peer = o.peer();
      if (o instanceof RequestOutcome.Failure f) {
        drop(peer, "manifest request: " + f.reason());
        return;
      }
      Response r = ((RequestOutcome.Reply) o).response();
      if (r.hasError()) {
        drop(peer, "answered " + r.getError().getCode());
        return;
      }
      if (!r.hasBlobManifest()) {
        core.penalties().penalize(peer, ReputationAdjustment.INVALID_RESPONSE);
        drop(peer, "answered a manifest request with something else");
        return;
      }
      BlobManifest.Parsed parsed =
          BlobManifest.fromProto(r.getBlobManifest(), hash, maxBytes, core.maxChunkBytes());
      if (parsed instanceof BlobManifest.Parsed.Bad bad) {
        if (bad.peerAtFault()) {
          core.penalties().penalize(peer, ReputationAdjustment.BAD_BLOB_MANIFEST);
        }
        drop(peer, "bad manifest: " + bad.reason());
        return;
      }
      BlobManifest m = ((BlobManifest.Parsed.Ok) parsed).manifest();
      boolean first = assembly == null;
      if (!first && !assembly.manifest().equals(m)) {
        if (!excluded.contains(manifestSource)) {
          drop(peer, "its manifest differs from the one in use");
          return;
        }
        // The manifest's own source was dropped (bad chunk, or gone) and this peer describes the
        // blob otherwise: whichever is false, nothing verified under the old one can be trusted
        // under the new one, so the fetch starts over.
        LOG.info(
            "Blob fetch restarting under another manifest blob={} from={} hashedChunks={}/{}",
            hash.toShortHex(),
            P2PCore.shortKey(peer),
            assembly.nextToVerify(),
            assembly.manifest().chunkCount());
        discardProgress();
        first = true;
      }
      if (first) {
        assembly = new BlobAssembly(m);
        manifestSource = peer;
        LOG.debug(
            "Blob manifest received blob={} size={} chunks={} from={}",
            hash.toShortHex(),
            m.size(),
            m.chunkCount(),
            P2PCore.shortKey(peer));
      }
      source = peer;
      if (m.chunkCount() > 0) {
        // The first requests go out before the store prepares the blob (which may mean zeroing
        // or creating a large file): their answers queue behind this task, so no chunk can
        // arrive at a missing writer, and the preparation overlaps the first round trip.
        pump();
      }
      if (first && !done) {
        try {
          assembly.open(core.store());
        } catch (IOException e) {
          fail("blob store: " + e.getMessage());
          return;
        }
        if (m.chunkCount() == 0) {
          finish();
        }
      }
    }

    /**
     * Pumps again once the request pacing allows another request (answers arriving meanwhile pump
     * too; this makes sure a fetch with nothing in flight does not stall).
     */
    void pumpLater() {
      pumpLater(PUMP_RETRY_NANOS);
    }

    void pumpLater(long delayNanos) {
      if (pumpScheduled) {
        return;
      }
      pumpScheduled = true;
      boolean scheduled =
          core.schedule(
              () -> {
                try {
                  executor.execute(
                      () -> {
                        pumpScheduled = false;
                        if (!done && source != null) {
                          pump();
                        }
                      });
                } catch (RejectedExecutionException e) {
                  LOG.debug("Blob fetch not resumed, network stopping blob={}", hash.toShortHex());
                }
              },
              delayNanos);
      if (!scheduled) {
        fail("network stopped");
      }
    }

    /** Keeps {@code window} chunk requests in flight to the current source. */
    void pump() {
      Optional<PeerSession> s = core.sessions().session(source);
      if (s.isEmpty()) {
        switchSource(source, "disconnected");
        return;
      }
      int gen = generation;
      BlobManifest m = assembly.manifest();
      int limit = Math.min(m.chunkCount(), assembly.nextToVerify() + 2 * window);
      while (inFlight.size() < window && (!retry.isEmpty() || nextToRequest < limit)) {
        if (!s.get().outboundRequests.tryAcquire(1)) {
          pumpLater();
          return;
        }
        int idx = !retry.isEmpty() ? retry.poll() : nextToRequest++;
        inFlight.add(idx);
        core.request(
                s.get(),
                Request.newBuilder()
                    .setBlobChunk(
                        BlobChunkRequest.newBuilder()
                            .setContentHash(ByteString.copyFrom(hash.toArray()))
                            .setOffset(m.offset(idx))
                            .setLength(m.length(idx))))
            // Place and length are checked on the thread that completes the response; the
            // content in order on the blob thread.
            .thenApply(o -> check(m, idx, o))
            .thenAcceptAsync(c -> onChunk(gen, idx, c), executor);
      }
    }

    /**
     * Takes one chunk answer. The frame array behind it goes back to the pool here, once the chunk
     * has been stored and hashed or refused, unless the chunk waits in the reorder buffer: then it
     * goes back when the chunk leaves it.
     */
    void onChunk(int gen, int idx, CheckedChunk c) {
      boolean held = false;
      try {
        held = takeChunk(gen, idx, c);
      } finally {
        if (!held) {
          c.lease().release();
        }
      }
    }

    /** Returns true when the chunk's bytes were kept in the reorder buffer. */
    private boolean takeChunk(int gen, int idx, CheckedChunk c) {
      if (done || gen != generation) {
        return false; // stale: this index went back to the retry queue when the source changed
      }
      inFlight.remove(idx);
      RequestOutcome o = c.outcome();
      PublicKey peer = o.peer();
      if (o instanceof RequestOutcome.Failure f) {
        retry.add(idx);
        switchSource(peer, "chunk request: " + f.reason());
        return false;
      }
      Response r = ((RequestOutcome.Reply) o).response();
      if (!r.hasBlobChunk()
          && r.hasError()
          && r.getError().getCode() == ErrorResponse.Code.BUSY
          && busyAnswers < MAX_BUSY_RETRIES) {
        retry.add(idx);
        busyAnswers++;
        core.metrics().blobChunk("busy");
        LOG.debug(
            "Blob source busy, asking again blob={} index={} peer={} busyAnswers={}",
            hash.toShortHex(),
            idx,
            P2PCore.shortKey(peer),
            busyAnswers);
        pumpLater(BUSY_BACKOFF_NANOS << Math.min(busyAnswers - 1, 5));
        return false;
      }
      if (!r.hasBlobChunk()) {
        retry.add(idx);
        if (!r.hasError()) {
          core.penalties().penalize(peer, ReputationAdjustment.INVALID_RESPONSE);
        }
        switchSource(peer, r.hasError() ? "answered " + r.getError().getCode() : "bad answer");
        return false;
      }
      ByteSlice data = c.data();
      if (c.problem() != null) {
        core.metrics().blobChunk("rejected");
        LOG.warn(
            "Blob chunk refused blob={} index={} peer={} reason={}",
            hash.toShortHex(),
            idx,
            P2PCore.shortKey(peer),
            c.problem());
        core.penalties().penalize(peer, ReputationAdjustment.BAD_BLOB_CHUNK);
        retry.add(idx);
        switchSource(peer, "bad chunk " + idx);
        return false;
      }
      boolean held = assembly.offer(idx, data, c.lease(), peer, verdicts);
      if (done) {
        return held;
      }
      if (assembly.complete()) {
        finish();
      } else if (source != null) {
        pump();
      }
      return held;
    }

    /** Counts verified chunks; refuses a false one and gives up on its sender. */
    final BlobAssembly.Verdicts verdicts =
        new BlobAssembly.Verdicts() {
          @Override
          public void accepted(int index, PublicKey peer) {
            core.metrics().blobChunk("accepted");
            contributors.add(peer);
          }

          @Override
          public void refused(int index, PublicKey peer) {
            core.metrics().blobChunk("rejected");
            LOG.warn(
                "Blob chunk refused blob={} index={} peer={} reason=prefix hash mismatch",
                hash.toShortHex(),
                index,
                P2PCore.shortKey(peer));
            core.penalties().penalize(peer, ReputationAdjustment.BAD_BLOB_CHUNK);
            retry.add(index);
            if (peer.equals(source)) {
              switchSource(peer, "bad chunk " + index);
            } else {
              excluded.add(peer);
            }
          }

          @Override
          public void storeFailed(IOException e) {
            fail("blob store: " + e.getMessage());
          }
        };

    /** Forgets every chunk taken under the current manifest, and the partial blob. */
    void discardProgress() {
      assembly.discard();
      assembly = null;
      retry.clear();
      inFlight.clear();
      nextToRequest = 0;
      contributors.clear();
    }

    void switchSource(PublicKey peer, String reason) {
      excluded.add(peer);
      busyAnswers = 0;
      lastProblem = P2PCore.shortKey(peer) + " " + reason;
      retry.addAll(inFlight);
      inFlight.clear();
      LOG.info(
          "Blob fetch changing source blob={} from={} reason={} hashedChunks={}/{}",
          hash.toShortHex(),
          P2PCore.shortKey(peer),
          reason,
          assembly == null ? 0 : assembly.nextToVerify(),
          assembly == null ? 0 : assembly.manifest().chunkCount());
      askNextSource();
    }

    void drop(PublicKey peer, String reason) {
      excluded.add(peer);
      lastProblem = P2PCore.shortKey(peer) + " " + reason;
      LOG.debug(
          "Blob source skipped blob={} peer={} reason={}",
          hash.toShortHex(),
          P2PCore.shortKey(peer),
          reason);
      askNextSource();
    }

    void finish() {
      if (!assembly.digest().equals(hash)) {
        // Every chunk matched the manifest, so the manifest itself was false.
        core.penalties().penalize(manifestSource, ReputationAdjustment.BAD_BLOB_MANIFEST);
        fail(
            "content hash mismatch: manifest from "
                + P2PCore.shortKey(manifestSource)
                + " does not describe this blob");
        return;
      }
      try {
        assembly.commit();
      } catch (IOException e) {
        fail("blob store: " + e.getMessage());
        return;
      }
      succeed(assembly.manifest().size());
    }

    void succeed(long size) {
      done = true;
      active.remove(hash);
      core.metrics().blobFetch("ok");
      LOG.info(
          "Blob fetched blob={} bytes={} sources={}", hash.toShortHex(), size, contributors.size());
      future.complete(new BlobResult.Fetched(hash, size, contributors));
    }

    void fail(String reason) {
      if (done) {
        return;
      }
      done = true;
      active.remove(hash);
      // The fetch is over: nothing reads the waiting chunks any more.
      if (assembly != null) {
        assembly.discard();
      }
      core.metrics().blobFetch("failed");
      LOG.warn("Blob fetch failed blob={} reason={}", hash.toShortHex(), reason);
      future.complete(new BlobResult.Failed(hash, reason));
    }
  }
}
