package org.learnchain.node.api;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.learnchain.node.problem.ProblemFiles;
import org.learnchain.node.support.Directories;
import org.learnchain.proto.api.ProblemHeader;
import org.learnchain.proto.api.SubmitProblemReply;
import org.learnchain.proto.api.SubmitProblemRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streamed problem upload: the header, then the files, each spooled to a private directory and
 * checked against its declared size and the node's limit as it arrives ({@link UploadLimits}). The
 * training file comes before the test file; IDX label files may come at any point after the header.
 * When the client finishes, the files are made into a problem ({@link ProblemAssembly}). The call
 * ends in one reply or one refusal, and the spool is deleted whatever happened, the client's
 * cancellation included.
 */
final class ProblemUpload implements StreamObserver<SubmitProblemRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(ProblemUpload.class);

  private final ApiContext ctx;
  private final UploadLimits limits;
  private final StreamObserver<SubmitProblemReply> out;
  private ProblemHeader header;
  private ProblemFiles.Kind kind;
  private ProblemFiles.Format format;
  private Path dir;
  private final UploadPart train = new UploadPart("training", "train.csv");
  private final UploadPart test = new UploadPart("test", "test.csv");
  private final UploadPart trainLabels = new UploadPart("training labels", "train-labels.idx");
  private final UploadPart testLabels = new UploadPart("test labels", "test-labels.idx");
  private boolean failed;

  ProblemUpload(ApiContext ctx, StreamObserver<SubmitProblemReply> out) {
    this.ctx = ctx;
    this.limits = new UploadLimits(ctx.maxUploadBytes());
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
    Optional<StatusRuntimeException> refusal = limits.header(h);
    if (refusal.isPresent()) {
      return refusal;
    }
    train.declared = h.getTrainBytes();
    test.declared = h.getTestBytes();
    trainLabels.declared = h.getTrainLabelsBytes();
    testLabels.declared = h.getTestLabelsBytes();
    header = h;
    kind = ProblemFiles.Kind.parse(h.getTask()).orElseThrow();
    format = ProblemFiles.Format.parse(h.getFormat()).orElseThrow();
    if (format == ProblemFiles.Format.IDX) {
      // Error messages name the spooled files: say what each one is.
      train.file = "train-images.idx";
      test.file = "test-images.idx";
    }
    Files.createDirectories(ctx.uploadDir());
    dir = Files.createTempDirectory(ctx.uploadDir(), "upload");
    return Optional.empty();
  }

  private Optional<StatusRuntimeException> onData(UploadPart p, ByteString data)
      throws IOException {
    if (header == null) {
      return Optional.of(ApiErrors.invalid("the upload must start with a header"));
    }
    if (p.declared == 0) {
      return Optional.of(ApiErrors.invalid(p.what + " data in a " + format.id() + " upload"));
    }
    if (p == test) {
      // The training file is complete once test data starts.
      train.close();
    }
    p.received += data.size();
    Optional<StatusRuntimeException> refusal = limits.received(p);
    if (refusal.isPresent()) {
      return refusal;
    }
    if (p.stream == null) {
      p.stream = Files.newOutputStream(dir.resolve(p.file));
    }
    data.writeTo(p.stream);
    return Optional.empty();
  }

  private List<UploadPart> parts() {
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
      for (UploadPart p : parts()) {
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
        p.close();
      }
      boolean idx = format == ProblemFiles.Format.IDX;
      ProblemAssembly.Answer answer =
          ProblemAssembly.submit(
              ctx,
              new ProblemAssembly.Spooled(
                  kind,
                  format,
                  header.getReward(),
                  header.getLabelColumn(),
                  dir.resolve(train.file),
                  idx ? dir.resolve(trainLabels.file) : null,
                  dir.resolve(test.file),
                  idx ? dir.resolve(testLabels.file) : null));
      if (answer instanceof ProblemAssembly.Reply r) {
        out.onNext(r.reply());
        out.onCompleted();
      } else {
        fail(((ProblemAssembly.Refusal) answer).status());
      }
    } catch (IOException e) {
      fail(ApiErrors.internal("the node cannot read the upload: " + e.getMessage()));
    } finally {
      cleanUp();
    }
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
      for (UploadPart p : parts()) {
        p.close();
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
