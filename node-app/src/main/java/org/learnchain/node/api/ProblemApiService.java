package org.learnchain.node.api;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.message.WorkSection;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Block;
import org.learnchain.ml.data.Dataset;
import org.learnchain.ml.spec.ProblemSpec;
import org.learnchain.ml.spec.SampleShape;
import org.learnchain.ml.spec.Task;
import org.learnchain.node.problem.ProblemFiles;
import org.learnchain.node.problem.ProblemSubmitter;
import org.learnchain.node.status.ProblemView;
import org.learnchain.node.status.RoundTracker;
import org.learnchain.node.support.Directories;
import org.learnchain.proto.api.LeaderboardReply;
import org.learnchain.proto.api.ModelChunk;
import org.learnchain.proto.api.PredictReply;
import org.learnchain.proto.api.PredictRequest;
import org.learnchain.proto.api.ProblemEvent;
import org.learnchain.proto.api.ProblemHeader;
import org.learnchain.proto.api.ProblemReply;
import org.learnchain.proto.api.ProblemRequest;
import org.learnchain.proto.api.ProblemServiceGrpc;
import org.learnchain.proto.api.SubmitProblemReply;
import org.learnchain.proto.api.SubmitProblemRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Problem submission (streamed CSV upload), status, live watch and model download. */
final class ProblemApiService extends ProblemServiceGrpc.ProblemServiceImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(ProblemApiService.class);
  static final int MODEL_CHUNK_BYTES = 1 << 20;
  static final long WATCH_TICK_MS = 250;
  static final long WATCH_HEARTBEAT_MS = 1_000;

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
    return new Upload(out);
  }

  /**
   * One upload: the header, then the files, each spooled to a private directory and checked against
   * its declared size and the node's limit as it arrives. The training file comes before the test
   * file; IDX label files may come at any point after the header.
   */
  private final class Upload implements StreamObserver<SubmitProblemRequest> {
    private final StreamObserver<SubmitProblemReply> out;
    private ProblemHeader header;
    private ProblemFiles.Kind kind;
    private ProblemFiles.Format format;
    private Path dir;
    private final Part train = new Part("training", "train.csv");
    private final Part test = new Part("test", "test.csv");
    private final Part trainLabels = new Part("training labels", "train-labels.idx");
    private final Part testLabels = new Part("test labels", "test-labels.idx");
    private boolean failed;

    Upload(StreamObserver<SubmitProblemReply> out) {
      this.out = out;
    }

    @Override
    public void onNext(SubmitProblemRequest part) {
      if (failed) {
        return;
      }
      try {
        Optional<StatusRuntimeException> refusal =
            switch (part.getPartCase()) {
              case HEADER -> onHeader(part.getHeader());
              case TRAIN ->
                  test.started()
                      ? Optional.of(ApiErrors.invalid("training data after test data"))
                      : onData(train, part.getTrain());
              case TEST -> onData(test, part.getTest());
              case TRAIN_LABELS -> onData(trainLabels, part.getTrainLabels());
              case TEST_LABELS -> onData(testLabels, part.getTestLabels());
              default -> Optional.of(ApiErrors.invalid("empty message in the upload"));
            };
        refusal.ifPresent(this::fail);
      } catch (IOException e) {
        LOG.error("Upload spool failed error={}", e.toString());
        fail(ApiErrors.internal("the node cannot store the upload: " + e.getMessage()));
      }
    }

    private Optional<StatusRuntimeException> onHeader(ProblemHeader h) throws IOException {
      if (header != null) {
        return Optional.of(ApiErrors.invalid("a second header in one upload"));
      }
      if (h.getReward() <= 0) {
        return Optional.of(ApiErrors.invalid("the reward must be positive"));
      }
      Optional<ProblemFiles.Kind> k = ProblemFiles.Kind.parse(h.getTask());
      if (k.isEmpty()) {
        return Optional.of(
            ApiErrors.invalid(
                "unknown task '"
                    + ApiErrors.oneLine(h.getTask())
                    + "': classification or regression"));
      }
      Optional<ProblemFiles.Format> f = ProblemFiles.Format.parse(h.getFormat());
      if (f.isEmpty()) {
        return Optional.of(
            ApiErrors.invalid(
                "unknown format '" + ApiErrors.oneLine(h.getFormat()) + "': csv or idx"));
      }
      boolean idx = f.get() == ProblemFiles.Format.IDX;
      train.declared = h.getTrainBytes();
      test.declared = h.getTestBytes();
      trainLabels.declared = h.getTrainLabelsBytes();
      testLabels.declared = h.getTestLabelsBytes();
      for (Part p : parts()) {
        boolean needed = idx || p == train || p == test;
        if (needed && p.declared <= 0) {
          return Optional.of(
              ApiErrors.invalid(
                  idx
                      ? "declare the sizes of all four IDX files"
                      : "declare the sizes of both files"));
        }
        if (!needed && p.declared != 0) {
          return Optional.of(ApiErrors.invalid("label files belong to the idx format only"));
        }
        if (p.declared > ctx.maxUploadBytes()) {
          return Optional.of(
              ApiErrors.tooLarge(
                  "a file of "
                      + p.declared
                      + " bytes exceeds this node's limit of "
                      + ctx.maxUploadBytes()
                      + " bytes"));
        }
      }
      if (idx) {
        // Error messages name the spooled files: say what each one is.
        train.file = "train-images.idx";
        test.file = "test-images.idx";
      }
      header = h;
      kind = k.get();
      format = f.get();
      Files.createDirectories(ctx.uploadDir());
      dir = Files.createTempDirectory(ctx.uploadDir(), "upload");
      return Optional.empty();
    }

    private Optional<StatusRuntimeException> onData(Part p, ByteString data) throws IOException {
      if (header == null) {
        return Optional.of(ApiErrors.invalid("the upload must start with a header"));
      }
      if (p.declared == 0) {
        return Optional.of(ApiErrors.invalid(p.what + " data in a " + format.id() + " upload"));
      }
      if (p == test && train.stream != null) {
        // The training file is complete once test data starts.
        train.stream.close();
      }
      p.received += data.size();
      if (p.received > p.declared || p.received > ctx.maxUploadBytes()) {
        return Optional.of(
            ApiErrors.tooLarge(
                "more " + p.what + " data than the " + p.declared + " bytes declared"));
      }
      if (p.stream == null) {
        p.stream = Files.newOutputStream(dir.resolve(p.file));
      }
      data.writeTo(p.stream);
      return Optional.empty();
    }

    private List<Part> parts() {
      return List.of(train, test, trainLabels, testLabels);
    }

    @Override
    public void onError(Throwable t) {
      // The client went away or cancelled: drop what arrived.
      LOG.debug("Upload cancelled by the client reason={}", t.toString());
      cleanUp();
    }

    @Override
    public void onCompleted() {
      if (failed) {
        return;
      }
      try {
        if (header == null) {
          fail(ApiErrors.invalid("empty upload"));
          return;
        }
        for (Part p : parts()) {
          if (p.received != p.declared) {
            fail(
                ApiErrors.invalid(
                    "received "
                        + p.received
                        + " bytes of "
                        + p.what
                        + " data, declared "
                        + p.declared));
            return;
          }
          if (p.stream != null) {
            p.stream.close();
          }
        }
        Answer answer = submit();
        if (answer instanceof Reply r) {
          out.onNext(r.reply());
          out.onCompleted();
        } else {
          fail(((Refusal) answer).status());
        }
      } catch (IOException e) {
        fail(ApiErrors.internal("the node cannot read the upload: " + e.getMessage()));
      } finally {
        cleanUp();
      }
    }

    private Answer submit() {
      org.learnchain.ml.Result<ProblemFiles.Problem> read =
          format == ProblemFiles.Format.IDX
              ? ProblemFiles.idx(
                  dir.resolve(train.file),
                  dir.resolve(trainLabels.file),
                  dir.resolve(test.file),
                  dir.resolve(testLabels.file),
                  kind,
                  ctx.maxUploadBytes(),
                  ctx.genesis().limits())
              : ProblemFiles.csv(
                  dir.resolve(train.file),
                  dir.resolve(test.file),
                  kind,
                  header.getLabelColumn(),
                  ctx.maxUploadBytes(),
                  ctx.genesis().limits());
      if (!read.isOk()) {
        return new Refusal(ApiErrors.invalid(read.reason()));
      }
      ProblemSpec spec = read.value().spec();
      Dataset tr = read.value().train();
      Dataset te = read.value().test();
      ProblemSubmitter.Outcome o = ctx.submitter().submit(spec, tr, te, header.getReward());
      if (o instanceof ProblemSubmitter.Rejected r) {
        return new Refusal(
            switch (r.kind()) {
              case INVALID -> ApiErrors.invalid(r.reason());
              case REFUSED -> ApiErrors.precondition(r.reason());
              case STORAGE -> ApiErrors.internal(r.reason());
            });
      }
      ProblemSubmitter.Accepted a = (ProblemSubmitter.Accepted) o;
      SubmitProblemReply.Builder reply =
          SubmitProblemReply.newBuilder()
              .setProblemId(ProtoViews.bytes(a.problemId()))
              .setTrainSetHash(ProtoViews.bytes(a.trainSetHash()))
              .setTrainSamples(a.trainSamples())
              .setTestSamples(a.testSamples())
              .setFeatures(tr.inputs().width())
              .setClasses(spec.task() instanceof Task.Classification c ? c.classes() : 0)
              .setTask(kind.id());
      if (spec.input() instanceof SampleShape.Image im) {
        reply.addInputShape(im.channels()).addInputShape(im.height()).addInputShape(im.width());
      } else {
        reply.addInputShape(spec.input().size());
      }
      return new Reply(reply.build());
    }

    private void fail(StatusRuntimeException e) {
      if (failed) {
        return;
      }
      failed = true;
      LOG.info(
          "Problem upload refused status={} reason={}",
          e.getStatus().getCode(),
          e.getStatus().getDescription());
      cleanUp();
      out.onError(e);
    }

    private void cleanUp() {
      try {
        for (Part p : parts()) {
          if (p.stream != null) {
            p.stream.close();
          }
        }
        if (dir != null) {
          Directories.deleteRecursively(dir);
          dir = null;
        }
      } catch (IOException e) {
        LOG.warn("Upload spool not deleted dir={} error={}", dir, e.toString());
      }
    }
  }

  /** One file of an upload: its declared size, what arrived, and where it is spooled. */
  private static final class Part {
    final String what;
    String file;
    long declared;
    long received;
    OutputStream stream;

    Part(String what, String file) {
      this.what = what;
      this.file = file;
    }

    boolean started() {
      return stream != null;
    }
  }

  /** What a finished upload gets: the reply, or the status that refuses it. */
  private sealed interface Answer permits Reply, Refusal {}

  private record Reply(SubmitProblemReply reply) implements Answer {}

  private record Refusal(StatusRuntimeException status) implements Answer {}

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
    Watch w = new Watch(first.value().problemId(), (ServerCallStreamObserver<ProblemEvent>) out);
    w.start();
  }

  /** One watch stream: ticks on the API scheduler, sends on change and as a heartbeat. */
  private final class Watch {
    private final Hash id;
    private final ServerCallStreamObserver<ProblemEvent> out;
    private volatile ScheduledFuture<?> task;
    private volatile boolean done;
    private ProblemEvent last;
    private long lastSentMs;

    Watch(Hash id, ServerCallStreamObserver<ProblemEvent> out) {
      this.id = id;
      this.out = out;
    }

    void start() {
      out.setOnCancelHandler(this::finish);
      task = scheduler.scheduleWithFixedDelay(this::tick, 0, WATCH_TICK_MS, TimeUnit.MILLISECONDS);
    }

    private void finish() {
      done = true;
      ScheduledFuture<?> t = task;
      if (t != null) {
        t.cancel(false);
      }
    }

    private void tick() {
      if (done || out.isCancelled()) {
        finish();
        return;
      }
      Optional<ProblemView> v = ProblemView.of(id, ctx.store(), ctx.tracker(), ctx.mempool());
      if (v.isEmpty()) {
        finish();
        out.onError(ApiErrors.notFound("problem " + id.toShortHex() + " left the pool"));
        return;
      }
      ProblemEvent e = event(v.get());
      long now = System.currentTimeMillis();
      boolean changed =
          last == null
              || !last.toBuilder()
                  .setAtMs(0)
                  .setTimeLeftMs(0)
                  .build()
                  .equals(e.toBuilder().setAtMs(0).setTimeLeftMs(0).build());
      if (changed || now - lastSentMs >= WATCH_HEARTBEAT_MS || e.getFinal()) {
        out.onNext(e);
        last = e;
        lastSentMs = now;
      }
      if (e.getFinal()) {
        finish();
        out.onCompleted();
      }
    }

    private ProblemEvent event(ProblemView v) {
      RoundTracker.Snapshot s = ctx.tracker().snapshot();
      boolean current = s.problemId().map(id::equals).orElse(false);
      ProblemEvent.Builder b =
          ProblemEvent.newBuilder()
              .setAtMs(System.currentTimeMillis())
              .setState(v.state().id())
              .setHeight(v.height())
              .setBestScore(Double.NaN)
              .setFinal(v.state().closed());
      if (current && !v.state().closed()) {
        b.setRound(s.height())
            .setTimeLeftMs(s.timeLeftMs())
            .setCommits(s.commits())
            .setPredictions(s.predictions())
            .setBestScore(s.winnerScore());
        s.winner().ifPresent(w -> b.setWinner(ProtoViews.bytes(w)));
      }
      if (v.state() == ProblemView.State.SOLVED) {
        b.setBestScore(v.score()).setRound(v.height());
        v.winner().ifPresent(w -> b.setWinner(ProtoViews.bytes(w)));
        v.blockHash().ifPresent(h -> b.setBlockHash(ProtoViews.bytes(h)));
      }
      return b.build();
    }
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
