package org.learnchain.node.api;

import com.google.protobuf.ByteString;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.message.WorkSection;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Block;
import org.learnchain.node.status.ProblemView;
import org.learnchain.proto.api.LeaderboardReply;
import org.learnchain.proto.api.ModelChunk;
import org.learnchain.proto.api.PredictReply;
import org.learnchain.proto.api.PredictRequest;
import org.learnchain.proto.api.ProblemEvent;
import org.learnchain.proto.api.ProblemReply;
import org.learnchain.proto.api.ProblemRequest;
import org.learnchain.proto.api.ProblemServiceGrpc;
import org.learnchain.proto.api.SubmitProblemReply;
import org.learnchain.proto.api.SubmitProblemRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The problem service's gRPC calls: submission (a streamed upload, {@link ProblemUpload}), status,
 * live watch ({@link ProblemWatch}), model download, prediction and leaderboard. Each call checks
 * its request, looks the problem up and hands the work to the class that does it.
 */
final class ProblemApiService extends ProblemServiceGrpc.ProblemServiceImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(ProblemApiService.class);
  static final int MODEL_CHUNK_BYTES = 1 << 20;

  private final ApiContext ctx;
  private final ScheduledExecutorService scheduler;
  private final ModelRunner runner;

  ProblemApiService(ApiContext ctx, ScheduledExecutorService scheduler) {
    this.ctx = ctx;
    this.scheduler = scheduler;
    this.runner = new ModelRunner(ctx);
  }

  // ---------------------------------------------------------------- submit

  @Override
  public StreamObserver<SubmitProblemRequest> submitProblem(
      StreamObserver<SubmitProblemReply> out) {
    return new ProblemUpload(ctx, out);
  }

  // ---------------------------------------------------------------- status

  @Override
  public void getProblem(ProblemRequest request, StreamObserver<ProblemReply> out) {
    Result<ProblemView> v = view(request, out);
    if (!v.isOk()) {
      return;
    }
    out.onNext(ProtoViews.problem(v.value()));
    out.onCompleted();
  }

  /** The problem asked for; an error result has already been sent to {@code out}. */
  private Result<ProblemView> view(ProblemRequest request, StreamObserver<?> out) {
    if (request.getProblemId().size() != Hash.LENGTH) {
      String m = "a problem id has 32 bytes (64 hex characters)";
      out.onError(ApiErrors.invalid(m));
      return Result.err(m);
    }
    Hash id = Hash.wrap(request.getProblemId().toByteArray());
    Optional<ProblemView> v = ProblemView.of(id, ctx.store(), ctx.tracker(), ctx.mempool());
    if (v.isEmpty()) {
      String m = "no problem " + id.toShortHex() + " on chain or in this node's pool";
      out.onError(ApiErrors.notFound(m));
      return Result.err(m);
    }
    return Result.ok(v.get());
  }

  // ---------------------------------------------------------------- watch

  @Override
  public void watchProblem(ProblemRequest request, StreamObserver<ProblemEvent> out) {
    Result<ProblemView> first = view(request, out);
    if (!first.isOk()) {
      return;
    }
    new ProblemWatch(
            ctx, scheduler, first.value().problemId(), (ServerCallStreamObserver<ProblemEvent>) out)
        .start();
  }

  // ---------------------------------------------------------------- model

  /** Whether {@code p} is solved with its block stored; if not, the refusal went to {@code out}. */
  private static boolean hasModel(ProblemView p, StreamObserver<?> out) {
    if (p.state() == ProblemView.State.SOLVED && p.blockHash().isPresent()) {
      return true;
    }
    out.onError(
        ApiErrors.precondition(
            "problem "
                + p.problemId().toShortHex()
                + " is "
                + p.state().id()
                + "; its model exists once it is solved"));
    return false;
  }

  @Override
  public void downloadModel(ProblemRequest request, StreamObserver<ModelChunk> out) {
    Result<ProblemView> v = view(request, out);
    if (!v.isOk()) {
      return;
    }
    ProblemView p = v.value();
    if (!hasModel(p, out)) {
      return;
    }
    Optional<Block> b = ctx.store().block(p.blockHash().get());
    Result<WorkSection> work =
        b.isPresent() ? WorkSection.decode(b.get().work()) : Result.err("block missing");
    if (!work.isOk() || !(work.value() instanceof WorkSection.Useful useful)) {
      out.onError(ApiErrors.internal("the solving block holds no model"));
      return;
    }
    byte[] model = useful.model().toArray();
    Hash modelHash = useful.model().sha256();
    ServerCallStreamObserver<ModelChunk> so = (ServerCallStreamObserver<ModelChunk>) out;
    for (int off = 0; off < model.length && !so.isCancelled(); off += MODEL_CHUNK_BYTES) {
      int n = Math.min(MODEL_CHUNK_BYTES, model.length - off);
      out.onNext(
          ModelChunk.newBuilder()
              .setData(ByteString.copyFrom(model, off, n))
              .setOffset(off)
              .setTotalBytes(model.length)
              .setModelHash(ProtoViews.bytes(modelHash))
              .setHeight(p.height())
              .build());
    }
    out.onCompleted();
  }

  // ---------------------------------------------------------------- predict, leaderboard

  @Override
  public void predict(PredictRequest request, StreamObserver<PredictReply> out) {
    Result<ProblemView> v =
        view(ProblemRequest.newBuilder().setProblemId(request.getProblemId()).build(), out);
    if (!v.isOk()) {
      return;
    }
    ProblemView p = v.value();
    if (!hasModel(p, out)) {
      return;
    }
    org.learnchain.ml.Result<PredictReply> reply;
    try {
      reply = runner.predict(request, p);
    } catch (IllegalStateException e) {
      LOG.error("Prediction failed problem={} error={}", p.problemId().toShortHex(), e.toString());
      out.onError(ApiErrors.internal(e.getMessage()));
      return;
    }
    if (!reply.isOk()) {
      out.onError(ApiErrors.invalid(reply.reason()));
      return;
    }
    out.onNext(reply.value());
    out.onCompleted();
  }

  @Override
  public void getLeaderboard(ProblemRequest request, StreamObserver<LeaderboardReply> out) {
    Result<ProblemView> v = view(request, out);
    if (!v.isOk()) {
      return;
    }
    out.onNext(Leaderboard.of(ctx, v.value()));
    out.onCompleted();
  }
}
