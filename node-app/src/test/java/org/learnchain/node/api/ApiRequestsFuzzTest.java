package org.learnchain.node.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.fuzz.FuzzInputs;
import org.learnchain.ledger.Decoded;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.Transfer;
import org.learnchain.node.fuzz.FuzzChain;
import org.learnchain.node.problem.ProblemSubmitter;
import org.learnchain.node.support.Directories;
import org.learnchain.proto.api.ProblemHeader;
import org.learnchain.proto.api.SubmitProblemReply;
import org.learnchain.proto.api.SubmitProblemRequest;
import org.learnchain.proto.api.SubmitTransactionReply;
import org.learnchain.proto.api.SubmitTransactionRequest;

/**
 * Fuzzes the gRPC calls that take a client's bytes, on the services themselves (the transport adds
 * only framing and the token check): transaction submission, and the problem upload stream (header,
 * training chunks, test chunks, in any order and any sizes, then the client's end or cancellation)
 * down to CSV parsing and the signed {@code SubmitProblem} in the pool.
 *
 * <p>The contract checked: every call ends in exactly one reply-and-complete or one error status
 * with a one-line description, never an exception and never both; an accepted transaction is the
 * one sent and is in the pool; an accepted upload names a problem; whatever happened, no spooled
 * upload is left on disk.
 */
class ApiRequestsFuzzTest {
  static final long MAX_UPLOAD_BYTES = 16 * 1024;
  static final int MAX_PARTS = 8;

  private static Fixture fixture;

  /** A node's API over the real ledger parts, kept for a whole fuzzing run. */
  static final class Fixture {
    final FuzzChain chain = new FuzzChain();
    final Path dir;
    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    final NodeApiService node;
    final ProblemApiService problems;

    Fixture() {
      try {
        dir = Files.createTempDirectory("api-fuzz");
        ApiContext ctx =
            FuzzChainApi.context(
                chain,
                dir,
                tx -> tx.chainId().equals(FuzzChain.CHAIN_ID) && tx.verifySignature(),
                MAX_UPLOAD_BYTES);
        node =
            new NodeApiService(
                ctx,
                scheduler,
                // Direct: every call ends before the fuzzer looks at it.
                new TransactionAdmission(
                    ctx, Runnable::run, 1, TransactionAdmission.DEFAULT_CAPACITY));
        problems = new ProblemApiService(ctx, scheduler);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void close() {
      scheduler.shutdownNow();
      try {
        Directories.deleteRecursively(dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  static synchronized Fixture fixture() {
    if (fixture == null) {
      fixture = new Fixture();
    }
    return fixture;
  }

  @AfterAll
  static synchronized void stop() {
    if (fixture != null) {
      fixture.close();
      fixture = null;
    }
  }

  /** What a server call sent to its client. */
  static final class Recorder<T> implements StreamObserver<T> {
    final List<T> values = new ArrayList<>();
    Throwable error;
    int completions;

    @Override
    public void onNext(T value) {
      assertEquals(0, completions + (error == null ? 0 : 1), "a value after the call ended");
      values.add(value);
    }

    @Override
    public void onError(Throwable t) {
      assertEquals(0, completions + (error == null ? 0 : 1), "a second end of the call");
      error = t;
    }

    @Override
    public void onCompleted() {
      assertEquals(0, completions + (error == null ? 0 : 1), "a second end of the call");
      completions++;
    }

    boolean ended() {
      return completions == 1 || error != null;
    }

    void checkError() {
      if (error != null) {
        Status s = Status.fromThrowable(error);
        assertFalse(s.getCode() == Status.Code.UNKNOWN, () -> "not a typed refusal: " + error);
        String d = s.getDescription();
        assertNotNull(d);
        assertFalse(d.contains("\n") || d.contains("\r"), d);
      }
    }
  }

  @FuzzTest(maxDuration = "3m")
  void submitTransaction(byte[] data) {
    Fixture f = fixture();
    Recorder<SubmitTransactionReply> out = new Recorder<>();
    f.node.submitTransaction(
        SubmitTransactionRequest.newBuilder().setTransaction(ByteString.copyFrom(data)).build(),
        out);
    assertTrue(out.ended(), "the call never ended");
    out.checkError();
    if (out.completions == 1) {
      assertEquals(1, out.values.size());
      assertEquals(
          ByteString.copyFrom(Hashing.sha256(data).toArray()), out.values.get(0).getTxHash());
      SignedTransaction tx =
          ((Decoded.Ok<SignedTransaction>) SignedTransaction.tryDecode(data)).value();
      assertEquals(FuzzChain.CHAIN_ID, tx.chainId());
      assertTrue(tx.verifySignature(), "the pool took a forged transaction");
    }
  }

  /**
   * Byte 0: bit 0 set means the client cancels instead of finishing. Then up to {@link #MAX_PARTS}
   * parts, each a 2-byte length and a {@code SubmitProblemRequest} encoding (parts that do not
   * parse are dropped, as gRPC's framing would refuse them before the service).
   */
  @FuzzTest(maxDuration = "3m")
  void uploadProblem(byte[] data) {
    if (data.length == 0) {
      return;
    }
    Fixture f = fixture();
    Recorder<SubmitProblemReply> out = new Recorder<>();
    StreamObserver<SubmitProblemRequest> in = f.problems.submitProblem(out);
    int at = 1;
    int parts = 0;
    while (at + 2 <= data.length && parts < MAX_PARTS) {
      int len = ((data[at] & 0xff) << 8) | (data[at + 1] & 0xff);
      at += 2;
      int n = Math.min(len, data.length - at);
      try {
        in.onNext(SubmitProblemRequest.parseFrom(ByteString.copyFrom(data, at, n)));
      } catch (InvalidProtocolBufferException e) {
        // gRPC refuses a message that does not parse before the service sees it.
      }
      at += n;
      parts++;
    }
    boolean cancelled = (data[0] & 1) != 0;
    if (cancelled) {
      in.onError(Status.CANCELLED.asRuntimeException());
    } else {
      in.onCompleted();
      assertTrue(out.ended(), "the upload never ended");
    }
    out.checkError();
    if (out.completions == 1) {
      assertEquals(1, out.values.size());
      assertEquals(32, out.values.get(0).getProblemId().size());
    }
    try (Stream<Path> left = Files.list(Files.createDirectories(f.dir.resolve("uploads")))) {
      assertEquals(List.of(), left.toList(), "spooled upload left behind");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] uploadInput(int flags, SubmitProblemRequest... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(flags);
    for (SubmitProblemRequest p : parts) {
      byte[] b = p.toByteArray();
      out.write(b.length >>> 8);
      out.write(b.length);
      out.write(b, 0, b.length);
    }
    return out.toByteArray();
  }

  static Map<String, byte[]> uploadSeeds() {
    StringBuilder rows = new StringBuilder("x1,x2,label\n");
    for (int i = 0; i < ProblemSubmitter.MIN_TRAIN_SAMPLES + 2; i++) {
      rows.append(i % 2 == 0 ? "0.1," : "0.9,")
          .append(i / 100.0)
          .append(',')
          .append(i % 2)
          .append('\n');
    }
    byte[] train = rows.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] test = "x1,x2,label\n0.12,0.22,0\n0.88,0.79,1\n".getBytes(StandardCharsets.US_ASCII);
    SubmitProblemRequest header =
        SubmitProblemRequest.newBuilder()
            .setHeader(
                ProblemHeader.newBuilder()
                    .setReward(1_000)
                    .setTrainBytes(train.length)
                    .setTestBytes(test.length))
            .build();
    SubmitProblemRequest trainA =
        SubmitProblemRequest.newBuilder().setTrain(ByteString.copyFrom(train, 0, 20)).build();
    SubmitProblemRequest trainB =
        SubmitProblemRequest.newBuilder()
            .setTrain(ByteString.copyFrom(train, 20, train.length - 20))
            .build();
    SubmitProblemRequest testPart =
        SubmitProblemRequest.newBuilder().setTest(ByteString.copyFrom(test)).build();
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put("complete", uploadInput(0, header, trainA, trainB, testPart));
    seeds.put("cancelled", uploadInput(1, header, trainA));
    seeds.put("test-before-train", uploadInput(0, header, testPart, trainA, trainB));
    return seeds;
  }

  static Map<String, byte[]> transactionSeeds() {
    FuzzChain c = fixture().chain;
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put(
        "transfer",
        SignedTransaction.sign(
                FuzzChain.MEMBERS.get(2),
                FuzzChain.CHAIN_ID,
                0,
                c.genesis.rewards().minTxFee(),
                new Transfer(FuzzChain.MEMBERS.get(1).publicKey().address(), 7))
            .encode());
    seeds.put(
        "other-chain",
        SignedTransaction.sign(
                FuzzChain.MEMBERS.get(2),
                "another-chain",
                0,
                c.genesis.rewards().minTxFee(),
                new Transfer(FuzzChain.MEMBERS.get(1).publicKey().address(), 7))
            .encode());
    return seeds;
  }

  @Test
  void seedsAreServedAndSaved() {
    Fixture f = fixture();
    Recorder<SubmitProblemReply> out = new Recorder<>();
    StreamObserver<SubmitProblemRequest> in = f.problems.submitProblem(out);
    byte[] complete = uploadSeeds().get("complete");
    uploadProblem(complete);
    // The complete upload is accepted: run it once more and look at the answer.
    int at = 1;
    while (at + 2 <= complete.length) {
      int len = ((complete[at] & 0xff) << 8) | (complete[at + 1] & 0xff);
      try {
        in.onNext(SubmitProblemRequest.parseFrom(ByteString.copyFrom(complete, at + 2, len)));
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
      at += 2 + len;
    }
    in.onCompleted();
    assertEquals(1, out.completions, () -> "refused: " + out.error);
    Recorder<SubmitTransactionReply> tx = new Recorder<>();
    f.node.submitTransaction(
        SubmitTransactionRequest.newBuilder()
            .setTransaction(ByteString.copyFrom(transactionSeeds().get("transfer")))
            .build(),
        tx);
    assertTrue(tx.completions == 1 || tx.error != null);
    for (byte[] s : uploadSeeds().values()) {
      uploadProblem(s);
    }
    for (byte[] s : transactionSeeds().values()) {
      submitTransaction(s);
    }
    FuzzInputs.sync(getClass(), "uploadProblem", uploadSeeds());
    FuzzInputs.sync(getClass(), "submitTransaction", transactionSeeds());
  }
}
