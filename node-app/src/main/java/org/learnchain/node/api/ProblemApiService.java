package org.learnchain.node.api;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.message.WorkSection;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Block;
import org.learnchain.ml.data.CsvReader;
import org.learnchain.ml.data.Dataset;
import org.learnchain.ml.data.LabelMode;
import org.learnchain.ml.data.Labels;
import org.learnchain.ml.spec.ProblemSpec;
import org.learnchain.ml.spec.SampleShape;
import org.learnchain.ml.spec.Task;
import org.learnchain.node.cli.Directories;
import org.learnchain.node.problem.ProblemSubmitter;
import org.learnchain.node.status.ProblemView;
import org.learnchain.node.status.RoundTracker;
import org.learnchain.proto.api.ModelChunk;
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

  ProblemApiService(ApiContext ctx, ScheduledExecutorService scheduler) {
    this.ctx = ctx;
    this.scheduler = scheduler;
  }

  // ---------------------------------------------------------------- submit

  @Override
  public StreamObserver<SubmitProblemRequest> submitProblem(
      StreamObserver<SubmitProblemReply> out) {
    return new Upload(out);
  }

  /**
   * One upload: the header, then the training file, then the test file, spooled to a private
   * directory and checked against the declared sizes and the node's limit as they arrive.
   */
  private final class Upload implements StreamObserver<SubmitProblemRequest> {
    private final StreamObserver<SubmitProblemReply> out;
    private ProblemHeader header;
    private Path dir;
    private OutputStream train;
    private OutputStream test;
    private long trainBytes;
    private long testBytes;
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
              case TRAIN -> onTrain(part.getTrain());
              case TEST -> onTest(part.getTest());
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
      for (long declared : new long[] {h.getTrainBytes(), h.getTestBytes()}) {
        if (declared <= 0) {
          return Optional.of(ApiErrors.invalid("declare the sizes of both files"));
        }
        if (declared > ctx.maxUploadBytes()) {
          return Optional.of(
              ApiErrors.tooLarge(
                  "a file of "
                      + declared
                      + " bytes exceeds this node's limit of "
                      + ctx.maxUploadBytes()
                      + " bytes"));
        }
      }
      header = h;
      Files.createDirectories(ctx.uploadDir());
      dir = Files.createTempDirectory(ctx.uploadDir(), "upload");
      train = Files.newOutputStream(dir.resolve("train.csv"));
      return Optional.empty();
    }

    private Optional<StatusRuntimeException> onTrain(ByteString data) throws IOException {
      if (header == null) {
        return Optional.of(ApiErrors.invalid("the upload must start with a header"));
      }
      if (test != null) {
        return Optional.of(ApiErrors.invalid("training data after test data"));
      }
      trainBytes += data.size();
      Optional<StatusRuntimeException> over =
          checkSize("training", trainBytes, header.getTrainBytes());
      if (over.isEmpty()) {
        data.writeTo(train);
      }
      return over;
    }

    private Optional<StatusRuntimeException> onTest(ByteString data) throws IOException {
      if (header == null) {
        return Optional.of(ApiErrors.invalid("the upload must start with a header"));
      }
      if (test == null) {
        train.close();
        test = Files.newOutputStream(dir.resolve("test.csv"));
      }
      testBytes += data.size();
      Optional<StatusRuntimeException> over = checkSize("test", testBytes, header.getTestBytes());
      if (over.isEmpty()) {
        data.writeTo(test);
      }
      return over;
    }

    private Optional<StatusRuntimeException> checkSize(String which, long received, long declared) {
      if (received > declared || received > ctx.maxUploadBytes()) {
        return Optional.of(
            ApiErrors.tooLarge("more " + which + " data than the " + declared + " bytes declared"));
      }
      return Optional.empty();
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
        if (trainBytes != header.getTrainBytes() || testBytes != header.getTestBytes()) {
          fail(
              ApiErrors.invalid(
                  "received "
                      + trainBytes
                      + " training and "
                      + testBytes
                      + " test bytes, declared "
                      + header.getTrainBytes()
                      + " and "
                      + header.getTestBytes()));
          return;
        }
        train.close();
        if (test != null) {
          test.close();
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
      CsvReader.Options options =
          CsvReader.Options.defaults()
              .withLabels(LabelMode.inferClasses())
              .withMaxBytes(ctx.maxUploadBytes());
      if (!header.getLabelColumn().isEmpty()) {
        options = options.withLabelColumn(header.getLabelColumn());
      }
      org.learnchain.ml.Result<Dataset> trainSet =
          CsvReader.read(dir.resolve("train.csv"), options);
      if (!trainSet.isOk()) {
        return new Refusal(ApiErrors.invalid("training file: " + trainSet.reason()));
      }
      org.learnchain.ml.Result<Dataset> testSet = CsvReader.read(dir.resolve("test.csv"), options);
      if (!testSet.isOk()) {
        return new Refusal(ApiErrors.invalid("test file: " + testSet.reason()));
      }
      Dataset tr = trainSet.value();
      Dataset te = testSet.value();
      if (tr.inputs().width() != te.inputs().width()) {
        return new Refusal(
            ApiErrors.invalid(
                "the training file has "
                    + tr.inputs().width()
                    + " feature columns, the test file "
                    + te.inputs().width()));
      }
      // Classes are inferred per file; the problem has as many as the larger of the two.
      int classes =
          Math.max(
              ((Labels.Classes) tr.labels()).classCount(),
              ((Labels.Classes) te.labels()).classCount());
      if (classes > Task.MAX_CLASSES || tr.inputs().width() > SampleShape.MAX_FEATURES) {
        return new Refusal(ApiErrors.invalid("too many classes or feature columns for a problem"));
      }
      tr = withClasses(tr, classes);
      te = withClasses(te, classes);
      ProblemSpec spec =
          ProblemSpec.classification(
              new SampleShape.Vector(tr.inputs().width()),
              classes,
              ProblemSubmitter.widestLimits(ctx.genesis().limits()));
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
      return new Reply(
          SubmitProblemReply.newBuilder()
              .setProblemId(ProtoViews.bytes(a.problemId()))
              .setTrainSetHash(ProtoViews.bytes(a.trainSetHash()))
              .setTrainSamples(a.trainSamples())
              .setTestSamples(a.testSamples())
              .setFeatures(tr.inputs().width())
              .setClasses(classes)
              .build());
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
        if (train != null) {
          train.close();
        }
        if (test != null) {
          test.close();
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

  /** What a finished upload gets: the reply, or the status that refuses it. */
  private sealed interface Answer permits Reply, Refusal {}

  private record Reply(SubmitProblemReply reply) implements Answer {}

  private record Refusal(StatusRuntimeException status) implements Answer {}

  private static Dataset withClasses(Dataset d, int classes) {
    Labels.Classes l = (Labels.Classes) d.labels();
    return l.classCount() == classes
        ? d
        : new Dataset(d.inputs(), Labels.Classes.of(classes, l.toArray()));
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

  @Override
  public void downloadModel(ProblemRequest request, StreamObserver<ModelChunk> out) {
    Result<ProblemView> v = view(request, out);
    if (!v.isOk()) {
      return;
    }
    ProblemView p = v.value();
    if (p.state() != ProblemView.State.SOLVED || p.blockHash().isEmpty()) {
      out.onError(
          ApiErrors.precondition(
              "problem "
                  + p.problemId().toShortHex()
                  + " is "
                  + p.state().id()
                  + "; its model exists once it is solved"));
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
}
