package org.learnchain.node.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.learnchain.node.api.ApiRequestsFuzzTest.Fixture;
import org.learnchain.node.api.ApiRequestsFuzzTest.Recorder;
import org.learnchain.node.problem.ProblemSubmitter;
import org.learnchain.proto.api.ProblemHeader;
import org.learnchain.proto.api.SubmitProblemReply;
import org.learnchain.proto.api.SubmitProblemRequest;

/**
 * The problem upload's answers on the wire, one case each: the status code and description of every
 * refusal the upload stream gives (header checks, size limits, order of the parts, short files,
 * unreadable data), and the reply to an accepted upload. The node's limit here is {@value
 * ApiRequestsFuzzTest#MAX_UPLOAD_BYTES} bytes. After every case no spooled upload is left.
 */
class ProblemUploadTest {
  private static final byte[] TRAIN = trainCsv();
  private static final byte[] TEST =
      "x1,x2,label\n0.12,0.22,0\n0.88,0.79,1\n".getBytes(StandardCharsets.US_ASCII);

  @AfterEach
  void nothingSpooledIsLeft() throws IOException {
    Fixture f = ApiRequestsFuzzTest.fixture();
    try (Stream<Path> left = Files.list(Files.createDirectories(f.dir.resolve("uploads")))) {
      assertEquals(List.of(), left.toList(), "spooled upload left behind");
    }
  }

  @AfterAll
  static void stop() {
    ApiRequestsFuzzTest.stop();
  }

  @Test
  void anAcceptedCsvUploadIsDescribed() {
    Recorder<SubmitProblemReply> out =
        upload(header(1_000, TRAIN.length, TEST.length), train(TRAIN), test(TEST));
    assertNull(out.error, () -> "refused: " + out.error);
    assertEquals(1, out.completions);
    SubmitProblemReply r = out.values.get(0);
    assertEquals(32, r.getProblemId().size());
    assertEquals(32, r.getTrainSetHash().size());
    assertEquals(ProblemSubmitter.MIN_TRAIN_SAMPLES + 2, r.getTrainSamples());
    assertEquals(2, r.getTestSamples());
    assertEquals(2, r.getFeatures());
    assertEquals(2, r.getClasses());
    assertEquals("classification", r.getTask());
    assertEquals(List.of(2), r.getInputShapeList());
  }

  @Test
  void headerRefusals() {
    assertRefused("INVALID_ARGUMENT: empty upload");
    assertRefused(
        "INVALID_ARGUMENT: the upload must start with a header", train(TRAIN), test(TEST));
    assertRefused(
        "INVALID_ARGUMENT: a second header in one upload",
        header(1_000, TRAIN.length, TEST.length),
        header(1_000, TRAIN.length, TEST.length));
    assertRefused(
        "INVALID_ARGUMENT: the reward must be positive", header(0, TRAIN.length, TEST.length));
    assertRefused(
        "INVALID_ARGUMENT: unknown task 'clustering': classification or regression",
        withHeader(h -> h.setTask("clustering")));
    assertRefused(
        "INVALID_ARGUMENT: unknown format 'parquet': csv or idx",
        withHeader(h -> h.setFormat("parquet")));
    assertRefused(
        "INVALID_ARGUMENT: declare the sizes of both files", header(1_000, TRAIN.length, 0));
    assertRefused(
        "INVALID_ARGUMENT: declare the sizes of all four IDX files",
        withHeader(h -> h.setFormat("idx").setTrainLabelsBytes(10)));
    assertRefused(
        "INVALID_ARGUMENT: label files belong to the idx format only",
        withHeader(h -> h.setTestLabelsBytes(10)));
    assertRefused(
        "RESOURCE_EXHAUSTED: a file of 16385 bytes exceeds this node's limit of 16384 bytes",
        header(1_000, 16_385, TEST.length));
  }

  @Test
  void dataRefusals() {
    SubmitProblemRequest header = header(1_000, TRAIN.length, TEST.length);
    assertRefused(
        "RESOURCE_EXHAUSTED: more training data than the " + TRAIN.length + " bytes declared",
        header,
        train(TRAIN),
        train(new byte[] {'1'}));
    assertRefused(
        "INVALID_ARGUMENT: training labels data in a csv upload",
        header,
        SubmitProblemRequest.newBuilder()
            .setTrainLabels(ByteString.copyFromUtf8("labels"))
            .build());
    assertRefused(
        "INVALID_ARGUMENT: training data after test data", header, test(TEST), train(TRAIN));
    assertRefused(
        "INVALID_ARGUMENT: received 5 bytes of training data, declared " + TRAIN.length,
        header,
        train(new byte[] {'x', '1', ',', 'x', '2'}));
    assertRefused(
        "INVALID_ARGUMENT: received 0 bytes of test data, declared " + TEST.length,
        header,
        train(TRAIN));
    assertRefused(
        "INVALID_ARGUMENT: empty message in the upload",
        header,
        SubmitProblemRequest.getDefaultInstance());
  }

  @Test
  void unreadableDataIsRefusedWithTheReadersReason() {
    byte[] bad = "x1,x2,label\n0.1,zero,1\n".getBytes(StandardCharsets.US_ASCII);
    Recorder<SubmitProblemReply> out =
        upload(header(1_000, bad.length, TEST.length), train(bad), test(TEST));
    Status s = Status.fromThrowable(out.error);
    assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode());
    assertEquals(
        "training file: train.csv: line 2, column 'x2': 'zero' is not a number",
        s.getDescription());
  }

  private static void assertRefused(String expected, SubmitProblemRequest... parts) {
    Recorder<SubmitProblemReply> out = upload(parts);
    assertEquals(0, out.completions, "accepted: " + out.values);
    Status s = Status.fromThrowable(out.error);
    assertEquals(expected, s.getCode() + ": " + s.getDescription());
  }

  private static Recorder<SubmitProblemReply> upload(SubmitProblemRequest... parts) {
    Recorder<SubmitProblemReply> out = new Recorder<>();
    StreamObserver<SubmitProblemRequest> in =
        ApiRequestsFuzzTest.fixture().problems.submitProblem(out);
    for (SubmitProblemRequest p : parts) {
      in.onNext(p);
    }
    in.onCompleted();
    return out;
  }

  private static SubmitProblemRequest header(long reward, long trainBytes, long testBytes) {
    return withHeader(h -> h.setReward(reward).setTrainBytes(trainBytes).setTestBytes(testBytes));
  }

  private static SubmitProblemRequest withHeader(
      java.util.function.UnaryOperator<ProblemHeader.Builder> edit) {
    ProblemHeader.Builder h =
        ProblemHeader.newBuilder()
            .setReward(1_000)
            .setTrainBytes(TRAIN.length)
            .setTestBytes(TEST.length);
    return SubmitProblemRequest.newBuilder().setHeader(edit.apply(h)).build();
  }

  private static SubmitProblemRequest train(byte[] data) {
    return SubmitProblemRequest.newBuilder().setTrain(ByteString.copyFrom(data)).build();
  }

  private static SubmitProblemRequest test(byte[] data) {
    return SubmitProblemRequest.newBuilder().setTest(ByteString.copyFrom(data)).build();
  }

  private static byte[] trainCsv() {
    StringBuilder rows = new StringBuilder("x1,x2,label\n");
    for (int i = 0; i < ProblemSubmitter.MIN_TRAIN_SAMPLES + 2; i++) {
      rows.append(i % 2 == 0 ? "0.1," : "0.9,")
          .append(i / 100.0)
          .append(',')
          .append(i % 2)
          .append('\n');
    }
    return rows.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
