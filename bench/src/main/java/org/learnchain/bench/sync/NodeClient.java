package org.learnchain.bench.sync;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.learnchain.bench.tx.BenchException;
import org.learnchain.bench.tx.TxBench;
import org.learnchain.proto.admin.AdminServiceGrpc;
import org.learnchain.proto.admin.PeerKeyRequest;
import org.learnchain.proto.api.BlockView;
import org.learnchain.proto.api.GetBlockRequest;
import org.learnchain.proto.api.ListBlocksRequest;
import org.learnchain.proto.api.NodeServiceGrpc;
import org.learnchain.proto.api.Peer;
import org.learnchain.proto.api.PeersRequest;
import org.learnchain.proto.api.ProblemHeader;
import org.learnchain.proto.api.ProblemReply;
import org.learnchain.proto.api.ProblemRequest;
import org.learnchain.proto.api.ProblemServiceGrpc;
import org.learnchain.proto.api.StatusReply;
import org.learnchain.proto.api.StatusRequest;
import org.learnchain.proto.api.SubmitProblemReply;
import org.learnchain.proto.api.SubmitProblemRequest;

/**
 * The calls {@link SyncBench} makes to one node process: its gRPC API (status, blocks, peers, the
 * peer deny list, problem upload with the node's API token) and its Prometheus endpoint.
 */
final class NodeClient implements AutoCloseable {
  private static final int CHUNK_BYTES = 64 << 10;

  private final String grpc;
  private final String metrics;
  private final ManagedChannel channel;
  private final Metadata auth = new Metadata();

  NodeClient(String grpc, String metrics, Path tokenFile) throws BenchException {
    this.grpc = grpc;
    this.metrics = metrics;
    this.channel = TxBench.channel(grpc);
    try {
      auth.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
          "Bearer " + Files.readString(tokenFile, StandardCharsets.US_ASCII).trim());
    } catch (IOException e) {
      channel.shutdownNow();
      throw new BenchException(tokenFile + ": cannot read the API token: " + e.getMessage());
    }
  }

  StatusReply status() {
    return NodeServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .getStatus(StatusRequest.getDefaultInstance());
  }

  /** The status, or empty while the node does not answer (still starting). */
  Optional<StatusReply> statusIfUp() {
    // Dial now rather than after the channel's back-off from the last refused attempt.
    channel.resetConnectBackoff();
    try {
      return Optional.of(status());
    } catch (StatusRuntimeException e) {
      return Optional.empty();
    }
  }

  BlockView block(long height) {
    return NodeServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .getBlock(GetBlockRequest.newBuilder().setHeight(height).build());
  }

  /** Whether something accepts TCP connections on {@code hostPort} (a node's p2p port) now. */
  static boolean listening(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    try (Socket s = new Socket()) {
      s.connect(
          new InetSocketAddress(
              hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
          1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Canonical blocks from {@code from} on, at most 100. */
  List<BlockView> blocks(long from) {
    return NodeServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .listBlocks(ListBlocksRequest.newBuilder().setFromHeight(from).setCount(100).build())
        .getBlocksList();
  }

  List<Peer> peers() {
    return NodeServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .getPeers(PeersRequest.getDefaultInstance())
        .getPeersList();
  }

  /** Puts a member key on this node's runtime deny list (its session, if any, is dropped). */
  void deny(ByteString publicKey) {
    authed(AdminServiceGrpc.newBlockingStub(channel))
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .denyPeer(PeerKeyRequest.newBuilder().setPublicKey(publicKey).build());
  }

  ProblemReply problem(ByteString id) {
    return ProblemServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .getProblem(ProblemRequest.newBuilder().setProblemId(id).build());
  }

  /**
   * Uploads a CSV problem (header row, label column last) that this node funds with its own key.
   *
   * @return the problem id
   */
  ByteString submitProblem(byte[] train, byte[] test, long reward) throws BenchException {
    AtomicReference<SubmitProblemReply> reply = new AtomicReference<>();
    AtomicReference<Throwable> error = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    StreamObserver<SubmitProblemRequest> call =
        authed(ProblemServiceGrpc.newStub(channel))
            .withDeadlineAfter(120, TimeUnit.SECONDS)
            .submitProblem(
                new StreamObserver<>() {
                  @Override
                  public void onNext(SubmitProblemReply r) {
                    reply.set(r);
                  }

                  @Override
                  public void onError(Throwable t) {
                    error.set(t);
                    done.countDown();
                  }

                  @Override
                  public void onCompleted() {
                    done.countDown();
                  }
                });
    call.onNext(
        SubmitProblemRequest.newBuilder()
            .setHeader(
                ProblemHeader.newBuilder()
                    .setReward(reward)
                    .setTrainBytes(train.length)
                    .setTestBytes(test.length)
                    .setTask("classification")
                    .setFormat("csv"))
            .build());
    // A few small chunks: the iris files are a few KiB, far below any flow-control window.
    for (int off = 0; off < train.length; off += CHUNK_BYTES) {
      call.onNext(
          SubmitProblemRequest.newBuilder()
              .setTrain(ByteString.copyFrom(train, off, Math.min(CHUNK_BYTES, train.length - off)))
              .build());
    }
    for (int off = 0; off < test.length; off += CHUNK_BYTES) {
      call.onNext(
          SubmitProblemRequest.newBuilder()
              .setTest(ByteString.copyFrom(test, off, Math.min(CHUNK_BYTES, test.length - off)))
              .build());
    }
    call.onCompleted();
    try {
      if (!done.await(150, TimeUnit.SECONDS)) {
        throw new BenchException("problem upload to " + grpc + ": no answer");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted");
    }
    if (error.get() != null) {
      throw new BenchException("problem upload to " + grpc + ": " + error.get().getMessage());
    }
    return reply.get().getProblemId();
  }

  /**
   * A counter or timer count from the node's Prometheus endpoint: the sum of the samples named
   * {@code name} (every label set), 0 when there is none.
   */
  double metric(String name) throws BenchException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    try {
      HttpResponse<InputStream> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://" + metrics + "/metrics"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      String body;
      try (InputStream in = r.body()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (r.statusCode() != 200) {
        throw new BenchException(metrics + "/metrics answered " + r.statusCode());
      }
      double sum = 0;
      for (String line : body.split("\n")) {
        if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
          String[] parts = line.trim().split("\\s+");
          sum += Double.parseDouble(parts[parts.length - 1]);
        }
      }
      return sum;
    } catch (IOException e) {
      throw new BenchException(metrics + "/metrics: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted");
    }
  }

  /** The public key of this node's peer whose address is {@code address}, if connected. */
  Optional<ByteString> peerKey(ByteString address) {
    for (Peer p : peers()) {
      if (p.getAddress().equals(address)) {
        return Optional.of(p.getPublicKey());
      }
    }
    return Optional.empty();
  }

  private <S extends AbstractStub<S>> S authed(S stub) {
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth));
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
