package org.learnchain.node.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.Transfer;
import org.learnchain.node.fuzz.FuzzChain;
import org.learnchain.node.support.Directories;
import org.learnchain.proto.api.NodeServiceGrpc;
import org.learnchain.proto.api.SubmitTransactionReply;
import org.learnchain.proto.api.SubmitTransactionRequest;
import org.learnchain.proto.api.SubmitTransactionsReply;
import org.learnchain.proto.api.SubmitTransactionsRequest;
import org.learnchain.proto.api.TransactionResult;

/**
 * SubmitTransactions through a real gRPC server on 127.0.0.1 over the real pool (one result per
 * transaction, in order, a refusal never affecting the others, the batch cap), and the bounded
 * admission stage on the service itself with workers the test runs by hand (POOL_BUSY at once when
 * full, nothing acknowledged lost).
 */
class TransactionBatchTest {
  private FuzzChain chain;
  private Path dir;
  private ApiContext ctx;
  private ApiServer server;
  private ManagedChannel channel;
  private ScheduledExecutorService scheduler;

  @BeforeEach
  void setUp() throws IOException {
    chain = new FuzzChain();
    dir = Files.createTempDirectory("api-batch");
    ctx = FuzzChainApi.context(chain, dir, chain.transition::verifySignature, 1 << 16);
    scheduler = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterEach
  void tearDown() throws IOException {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.stop();
    }
    scheduler.shutdownNow();
    Directories.deleteRecursively(dir);
  }

  private NodeServiceGrpc.NodeServiceBlockingStub grpc() throws IOException {
    server = new ApiServer(ctx, "127.0.0.1", 0, new SimpleMeterRegistry());
    server.start();
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.port())
            .usePlaintext()
            .maxInboundMessageSize(8 << 20)
            .build();
    return NodeServiceGrpc.newBlockingStub(channel);
  }

  private static SignedTransaction transfer(PrivateKey from, long nonce, String chainId) {
    return SignedTransaction.sign(
        from, chainId, nonce, 10, new Transfer(FuzzChain.STRANGER.publicKey().address(), 1));
  }

  private static ByteString bytes(SignedTransaction tx) {
    return ByteString.copyFrom(tx.encode());
  }

  private static SubmitTransactionsRequest batch(List<ByteString> items) {
    return SubmitTransactionsRequest.newBuilder().addAllTransactions(items).build();
  }

  @Test
  void aMixedBatchAnswersEachTransactionInOrderAndRefusalsTouchNoOther() throws IOException {
    PrivateKey a = FuzzChain.MEMBERS.get(0);
    PrivateKey b = FuzzChain.MEMBERS.get(1);
    SignedTransaction good0 = transfer(a, 0, FuzzChain.CHAIN_ID);
    SignedTransaction good1 = transfer(a, 1, FuzzChain.CHAIN_ID);
    SignedTransaction good2 = transfer(b, 0, FuzzChain.CHAIN_ID);
    SignedTransaction otherChain = transfer(b, 1, "another-chain");
    byte[] forged = transfer(b, 1, FuzzChain.CHAIN_ID).encode();
    forged[forged.length - 1] ^= 1;
    List<ByteString> items =
        List.of(
            bytes(good0),
            ByteString.copyFromUtf8("not a transaction"),
            bytes(good1),
            bytes(otherChain),
            ByteString.copyFrom(forged),
            bytes(good0),
            bytes(good2),
            ByteString.EMPTY);

    SubmitTransactionsReply reply = grpc().submitTransactions(batch(items));

    List<TransactionResult> r = reply.getResultsList();
    assertEquals(items.size(), r.size());
    assertAccepted(good0, r.get(0));
    assertRefused(r.get(1), "INVALID_ARGUMENT", "MALFORMED: ");
    assertAccepted(good1, r.get(2));
    assertRefused(r.get(3), "INVALID_ARGUMENT", "WRONG_CHAIN: ");
    assertRefused(r.get(4), "INVALID_ARGUMENT", "BAD_SIGNATURE: ");
    assertRefused(r.get(5), "ALREADY_EXISTS", "DUPLICATE: ");
    assertAccepted(good2, r.get(6));
    assertRefused(r.get(7), "INVALID_ARGUMENT", "MALFORMED: ");
    assertEquals(3, chain.mempool.size());
    for (SignedTransaction tx : List.of(good0, good1, good2)) {
      assertTrue(chain.mempool.contains(tx.hash()));
    }
  }

  @Test
  void resultsFollowTheRequestOrderAcrossWorkerChunks() throws IOException {
    // Three senders' 60 transfers each (under the pool's 64 per sender), interleaved, so the
    // batch splits into chunks on several workers; every result names its own transaction.
    List<SignedTransaction> txs = new ArrayList<>();
    for (int nonce = 0; nonce < 60; nonce++) {
      for (PrivateKey k : FuzzChain.MEMBERS) {
        txs.add(transfer(k, nonce, FuzzChain.CHAIN_ID));
      }
    }
    List<ByteString> items = txs.stream().map(TransactionBatchTest::bytes).toList();

    SubmitTransactionsReply reply = grpc().submitTransactions(batch(items));

    assertEquals(txs.size(), reply.getResultsCount());
    for (int i = 0; i < txs.size(); i++) {
      assertAccepted(txs.get(i), reply.getResults(i));
    }
    assertEquals(txs.size(), chain.mempool.size());
    // The same batch again: every one a duplicate, still in order.
    SubmitTransactionsReply again =
        NodeServiceGrpc.newBlockingStub(channel).submitTransactions(batch(items));
    for (TransactionResult t : again.getResultsList()) {
      assertRefused(t, "ALREADY_EXISTS", "DUPLICATE: ");
    }
  }

  @Test
  void aBatchOverTheCapIsRefusedWholeWithOneLine() throws IOException {
    NodeServiceGrpc.NodeServiceBlockingStub stub = grpc();
    SignedTransaction good = transfer(FuzzChain.MEMBERS.get(0), 0, FuzzChain.CHAIN_ID);
    List<ByteString> tooMany = new ArrayList<>();
    for (int i = 0; i <= BatchSubmission.MAX_TRANSACTIONS; i++) {
      tooMany.add(bytes(good));
    }
    StatusRuntimeException count =
        assertThrows(StatusRuntimeException.class, () -> stub.submitTransactions(batch(tooMany)));
    assertEquals(Status.Code.INVALID_ARGUMENT, count.getStatus().getCode());
    assertOneLine(count.getStatus().getDescription(), "at most 1000 transactions");

    ByteString big = ByteString.copyFrom(new byte[BatchSubmission.MAX_BYTES / 2 + 1]);
    StatusRuntimeException size =
        assertThrows(
            StatusRuntimeException.class,
            () -> stub.submitTransactions(batch(List.of(bytes(good), big, big))));
    assertEquals(Status.Code.INVALID_ARGUMENT, size.getStatus().getCode());
    assertOneLine(size.getStatus().getDescription(), "1048576 bytes");
    assertEquals(0, chain.mempool.size(), "nothing of a refused batch is taken");

    assertEquals(0, stub.submitTransactions(batch(List.of())).getResultsCount());
  }

  @Test
  void singleSubmissionsRefuseMalformedAndWrongChainWithTheirReason() throws IOException {
    NodeServiceGrpc.NodeServiceBlockingStub stub = grpc();
    StatusRuntimeException malformed =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                stub.submitTransaction(
                    SubmitTransactionRequest.newBuilder()
                        .setTransaction(ByteString.copyFromUtf8("junk"))
                        .build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, malformed.getStatus().getCode());
    assertOneLine(malformed.getStatus().getDescription(), "MALFORMED: ");
    SignedTransaction good = transfer(FuzzChain.MEMBERS.get(0), 0, FuzzChain.CHAIN_ID);
    SubmitTransactionReply ok =
        stub.submitTransaction(
            SubmitTransactionRequest.newBuilder().setTransaction(bytes(good)).build());
    assertEquals(ByteString.copyFrom(good.hash().toArray()), ok.getTxHash());
  }

  /** An executor whose tasks wait until the test runs them: the stage's workers held still. */
  private static final class HeldWorkers implements Executor {
    final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public void execute(Runnable r) {
      tasks.add(r);
    }

    void runAll() {
      while (!tasks.isEmpty()) {
        tasks.poll().run();
      }
    }
  }

  /** What a call answered, recorded. */
  private static final class Answer<T> implements StreamObserver<T> {
    T value;
    Throwable error;
    boolean completed;

    @Override
    public void onNext(T v) {
      value = v;
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onCompleted() {
      completed = true;
    }
  }

  @Test
  void aFullStageAnswersPoolBusyAtOnceAndLosesNothingAcknowledged() {
    HeldWorkers workers = new HeldWorkers();
    TransactionAdmission stage =
        new TransactionAdmission(ctx, workers, 2, BatchSubmission.MAX_TRANSACTIONS + 1);
    NodeApiService api = new NodeApiService(ctx, scheduler, stage);
    PrivateKey a = FuzzChain.MEMBERS.get(0);
    PrivateKey b = FuzzChain.MEMBERS.get(1);

    // Acknowledged before the stage fills.
    SignedTransaction first = transfer(a, 0, FuzzChain.CHAIN_ID);
    Answer<SubmitTransactionReply> firstAnswer = new Answer<>();
    api.submitTransaction(
        SubmitTransactionRequest.newBuilder().setTransaction(bytes(first)).build(), firstAnswer);
    workers.runAll();
    assertTrue(firstAnswer.completed);
    assertEquals(ByteString.copyFrom(first.hash().toArray()), firstAnswer.value.getTxHash());

    // A full batch waiting for its checks, plus one single transaction: the stage is full.
    List<SignedTransaction> held = new ArrayList<>();
    for (int nonce = 1; nonce < 40; nonce++) {
      held.add(transfer(a, nonce, FuzzChain.CHAIN_ID));
    }
    List<ByteString> items =
        new ArrayList<>(held.stream().map(TransactionBatchTest::bytes).toList());
    while (items.size() < BatchSubmission.MAX_TRANSACTIONS) {
      items.add(ByteString.copyFromUtf8("filler " + items.size()));
    }
    Answer<SubmitTransactionsReply> batchAnswer = new Answer<>();
    api.submitTransactions(batch(items), batchAnswer);
    SignedTransaction single = transfer(b, 0, FuzzChain.CHAIN_ID);
    Answer<SubmitTransactionReply> singleAnswer = new Answer<>();
    api.submitTransaction(
        SubmitTransactionRequest.newBuilder().setTransaction(bytes(single)).build(), singleAnswer);
    assertEquals(stage.capacity(), stage.pending());

    // Now every call is refused at once, before any check, and nothing is queued for it.
    int queued = workers.tasks.size();
    Answer<SubmitTransactionReply> busy = new Answer<>();
    api.submitTransaction(
        SubmitTransactionRequest.newBuilder()
            .setTransaction(bytes(transfer(b, 1, FuzzChain.CHAIN_ID)))
            .build(),
        busy);
    assertBusy(busy.error);
    Answer<SubmitTransactionsReply> busyBatch = new Answer<>();
    api.submitTransactions(batch(List.of(bytes(transfer(b, 1, FuzzChain.CHAIN_ID)))), busyBatch);
    assertBusy(busyBatch.error);
    assertEquals(queued, workers.tasks.size());
    assertFalse(chain.mempool.contains(transfer(b, 1, FuzzChain.CHAIN_ID).hash()));

    // The held work finishes: everything taken in is answered and pooled, the room comes back.
    workers.runAll();
    assertEquals(0, stage.pending());
    assertTrue(batchAnswer.completed);
    List<TransactionResult> results = batchAnswer.value.getResultsList();
    assertEquals(items.size(), results.size());
    for (int i = 0; i < held.size(); i++) {
      assertAccepted(held.get(i), results.get(i));
    }
    for (int i = held.size(); i < items.size(); i++) {
      assertRefused(results.get(i), "INVALID_ARGUMENT", "MALFORMED: ");
    }
    assertTrue(singleAnswer.completed);
    for (SignedTransaction tx : concat(List.of(first, single), held)) {
      assertTrue(chain.mempool.contains(tx.hash()), "acknowledged and pooled");
    }
    Answer<SubmitTransactionReply> later = new Answer<>();
    api.submitTransaction(
        SubmitTransactionRequest.newBuilder()
            .setTransaction(bytes(transfer(b, 1, FuzzChain.CHAIN_ID)))
            .build(),
        later);
    workers.runAll();
    assertTrue(later.completed, "taken once there is room again");
  }

  private static List<SignedTransaction> concat(
      List<SignedTransaction> x, List<SignedTransaction> y) {
    List<SignedTransaction> all = new ArrayList<>(x);
    all.addAll(y);
    return all;
  }

  private static void assertBusy(Throwable error) {
    assertNotNull(error, "answered at once");
    Status s = Status.fromThrowable(error);
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, s.getCode());
    assertOneLine(s.getDescription(), "POOL_BUSY: ");
  }

  private static void assertAccepted(SignedTransaction tx, TransactionResult r) {
    assertEquals("OK", r.getCode(), r.getMessage());
    assertEquals("", r.getMessage());
    Hash id = Hashing.sha256(tx.encode());
    assertTrue(
        Arrays.equals(id.toArray(), r.getTxHash().toByteArray()), "the result names its own id");
  }

  private static void assertRefused(TransactionResult r, String code, String prefix) {
    assertEquals(code, r.getCode(), r.getMessage());
    assertTrue(r.getTxHash().isEmpty());
    assertOneLine(r.getMessage(), prefix);
  }

  private static void assertOneLine(String text, String part) {
    assertNotNull(text);
    assertTrue(text.contains(part), text);
    assertFalse(text.contains("\n") || text.contains("\r"), text);
  }
}
