package org.learnchain.p2p.core;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PublicKey;
import org.learnchain.p2p.BlockSource;
import org.learnchain.p2p.BlocksResult;
import org.learnchain.p2p.DisconnectReason;
import org.learnchain.p2p.P2PConfig;
import org.learnchain.p2p.ReputationAdjustment;
import org.learnchain.proto.p2p.BlocksByRangeRequest;
import org.learnchain.proto.p2p.BlocksByRangeResponse;
import org.learnchain.proto.p2p.Envelope;
import org.learnchain.proto.p2p.ErrorResponse;
import org.learnchain.proto.p2p.Request;
import org.learnchain.proto.p2p.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request/response: serving peers' requests (blocks by range, blob manifests and chunks) on a small
 * bounded pool with per-peer limits, and sending this node's requests with ids, a per-peer bound on
 * those in flight and a timeout, matching each answer to its request.
 */
final class RequestRouter {
  private static final Logger LOG = LoggerFactory.getLogger(RequestRouter.class);

  private final P2PCore core;
  private final P2PConfig config;
  private final P2PMetrics metrics;
  private final PublicKey localKey;
  private final String shortId;
  private final BlockSource blockSource;
  private final BlobServer blobServer;
  private final AtomicLong requestIds = new AtomicLong();
  private final ThreadPoolExecutor requestExecutor;

  RequestRouter(P2PCore core, BlockSource blockSource, BlobServer blobServer) {
    this.core = core;
    this.config = core.config();
    this.metrics = core.metrics();
    this.localKey = core.localKey();
    this.shortId = core.shortId();
    this.blockSource = blockSource;
    this.blobServer = blobServer;
    this.requestExecutor =
        new ThreadPoolExecutor(
            2,
            2,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(1024),
            P2PCore.threads("p2p-serve-" + shortId));
  }

  void shutdown() {
    requestExecutor.shutdownNow();
  }

  void onRequest(PeerSession s, Request r) {
    if (core.penalties().rateLimited(s, s.requests, 1)) {
      reply(s, r.getId(), BlobServer.error(ErrorResponse.Code.BUSY, "rate limited"));
      return;
    }
    if (s.serving.incrementAndGet() > config.maxInboundRequestsPerPeer()) {
      s.serving.decrementAndGet();
      metrics.messageDropped("too_many_requests");
      reply(s, r.getId(), BlobServer.error(ErrorResponse.Code.BUSY, "too many requests"));
      return;
    }
    try {
      requestExecutor.execute(
          () -> {
            try {
              serve(s, r);
            } finally {
              s.serving.decrementAndGet();
            }
          });
    } catch (RejectedExecutionException ex) {
      s.serving.decrementAndGet();
      metrics.messageDropped("server_busy");
      reply(s, r.getId(), BlobServer.error(ErrorResponse.Code.BUSY, "server busy"));
    }
  }

  private void serve(PeerSession s, Request r) {
    switch (r.getKindCase()) {
      case BLOCKS_BY_RANGE -> reply(s, r.getId(), serveBlocks(r.getBlocksByRange()));
      case BLOB_MANIFEST -> {
        ByteString h = r.getBlobManifest().getContentHash();
        if (h.size() != Hash.LENGTH) {
          reply(s, r.getId(), BlobServer.error(ErrorResponse.Code.BAD_REQUEST, "bad hash"));
          return;
        }
        Response.Builder resp = blobServer.manifest(Hash.wrap(h.toByteArray()));
        metrics.requestServed("blob_manifest", resp.hasError() ? "error" : "ok");
        reply(s, r.getId(), resp);
      }
      case BLOB_CHUNK -> {
        ByteString h = r.getBlobChunk().getContentHash();
        if (h.size() != Hash.LENGTH) {
          reply(s, r.getId(), BlobServer.error(ErrorResponse.Code.BAD_REQUEST, "bad hash"));
          return;
        }
        BlobServer.EncodedReply resp =
            blobServer.chunk(r.getId(), Hash.wrap(h.toByteArray()), r.getBlobChunk());
        metrics.requestServed("blob_chunk", resp.ok() ? "ok" : "error");
        core.outbound()
            .sendBytes(
                s, resp.bytes(), resp.length(), resp.pooled() ? core.framePool()::give : b -> {});
      }
      case KIND_NOT_SET ->
          core.penalties()
              .violation(
                  s,
                  ReputationAdjustment.MALFORMED_MESSAGE,
                  DisconnectReason.MALFORMED_MESSAGE,
                  "request without a kind");
    }
  }

  private Response.Builder serveBlocks(BlocksByRangeRequest req) {
    long from = req.getFromHeight();
    long count = Integer.toUnsignedLong(req.getCount());
    if (from < 0 || count == 0) {
      metrics.requestServed("blocks_by_range", "bad_request");
      return BlobServer.error(ErrorResponse.Code.BAD_REQUEST, "bad height range");
    }
    int n = (int) Math.min(count, config.maxBlocksPerRequest());
    List<byte[]> blocks;
    try {
      blocks = blockSource.blocksByRange(from, n);
    } catch (RuntimeException ex) {
      LOG.error("Block source failed fromHeight={} count={}", from, n, ex);
      metrics.requestServed("blocks_by_range", "error");
      return BlobServer.error(ErrorResponse.Code.INTERNAL, "block source failed");
    }
    BlocksByRangeResponse.Builder b = BlocksByRangeResponse.newBuilder();
    long budget = config.maxFrameBytes() - P2PConfig.FRAME_OVERHEAD_BYTES;
    for (int i = 0; i < blocks.size() && i < n; i++) {
      byte[] block = blocks.get(i);
      budget -= block.length + 8L;
      if (budget < 0) {
        if (i == 0) {
          LOG.warn("Block too large to serve height={} bytes={}", from, block.length);
        }
        break;
      }
      b.addBlocks(ByteString.copyFrom(block));
    }
    metrics.requestServed("blocks_by_range", "ok");
    return Response.newBuilder().setBlocksByRange(b);
  }

  private void reply(PeerSession s, long id, Response.Builder resp) {
    core.outbound().send(s, Envelope.newBuilder().setResponse(resp.setId(id)).build());
  }

  void onResponse(PeerSession s, Response r, FrameLease lease) {
    PeerSession.Pending p = s.pending.remove(r.getId());
    if (p == null) {
      // A late answer to a request that timed out also lands here; the penalty is light.
      metrics.messageDropped("unsolicited_response");
      core.penalties().penalize(s.key, ReputationAdjustment.UNSOLICITED_RESPONSE);
      return;
    }
    p.future.complete(new RequestOutcome.Reply(s.key, r, lease));
  }

  /** Sends a request and returns its outcome; never completes exceptionally. */
  CompletableFuture<RequestOutcome> request(PeerSession s, Request.Builder r) {
    if (s.closing.get()) {
      return CompletableFuture.completedFuture(
          new RequestOutcome.Failure(s.key, "peer disconnected"));
    }
    if (s.pending.size() >= config.maxOutboundRequestsPerPeer()) {
      return CompletableFuture.completedFuture(
          new RequestOutcome.Failure(s.key, "too many requests in flight"));
    }
    long id = requestIds.incrementAndGet();
    PeerSession.Pending p = new PeerSession.Pending();
    s.pending.put(id, p);
    try {
      p.timeout =
          core.scheduler()
              .schedule(
                  () -> {
                    if (s.pending.remove(id, p)) {
                      core.penalties().penalize(s.key, ReputationAdjustment.REQUEST_TIMEOUT);
                      p.future.complete(new RequestOutcome.Failure(s.key, "timed out"));
                    }
                  },
                  config.requestTimeout().toNanos(),
                  TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException ex) {
      s.pending.remove(id, p);
      return CompletableFuture.completedFuture(
          new RequestOutcome.Failure(s.key, "network stopped"));
    }
    p.future.whenComplete((o, ex) -> p.timeout.cancel(false));
    if (!core.outbound().send(s, Envelope.newBuilder().setRequest(r.setId(id)).build())) {
      if (s.pending.remove(id, p)) {
        p.future.complete(new RequestOutcome.Failure(s.key, "send failed"));
      }
    }
    if (s.ended.get() && s.pending.remove(id, p)) {
      p.future.complete(new RequestOutcome.Failure(s.key, "peer disconnected"));
    }
    return p.future;
  }

  CompletableFuture<BlocksResult> requestBlocks(PublicKey peer, long fromHeight, int count) {
    if (count < 1 || count > config.maxBlocksPerRequest() || fromHeight < 0) {
      return CompletableFuture.completedFuture(
          new BlocksResult.Failed(
              peer, "count must be 1.." + config.maxBlocksPerRequest() + " and height >= 0"));
    }
    PeerSession s = core.sessions().map().get(peer);
    if (s == null) {
      return CompletableFuture.completedFuture(new BlocksResult.Failed(peer, "not connected"));
    }
    return request(
            s,
            Request.newBuilder()
                .setBlocksByRange(
                    BlocksByRangeRequest.newBuilder().setFromHeight(fromHeight).setCount(count)))
        .thenApply(o -> blocksResult(o, fromHeight, count));
  }

  private BlocksResult blocksResult(RequestOutcome o, long fromHeight, int count) {
    if (o instanceof RequestOutcome.Failure f) {
      return new BlocksResult.Failed(f.peer(), f.reason());
    }
    Response r = ((RequestOutcome.Reply) o).response();
    PublicKey peer = o.peer();
    if (r.hasError()) {
      return new BlocksResult.Failed(
          peer,
          "peer answered "
              + r.getError().getCode()
              + ": "
              + LogText.printable(r.getError().getMessage()));
    }
    if (!r.hasBlocksByRange() || r.getBlocksByRange().getBlocksCount() > count) {
      core.penalties().penalize(peer, ReputationAdjustment.INVALID_RESPONSE);
      return new BlocksResult.Failed(peer, "invalid blocks response");
    }
    core.penalties().penalize(peer, ReputationAdjustment.USEFUL_RESPONSE);
    List<byte[]> payloads = new ArrayList<>(r.getBlocksByRange().getBlocksCount());
    for (ByteString b : r.getBlocksByRange().getBlocksList()) {
      payloads.add(b.toByteArray());
    }
    return new BlocksResult.Blocks(peer, fromHeight, payloads);
  }
}
