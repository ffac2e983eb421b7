package org.learnchain.acceptance;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import org.learnchain.proto.admin.AdminServiceGrpc;
import org.learnchain.proto.api.NodeServiceGrpc;
import org.learnchain.proto.api.ProblemServiceGrpc;
import org.learnchain.proto.api.StatusReply;
import org.learnchain.proto.api.StatusRequest;

/**
 * One node of a testnet, run as a separate process from the built distribution ({@code
 * bin/learnchain node --config ...}), reached only over its gRPC API and metrics endpoint. It can
 * be started, stopped (SIGTERM), killed (SIGKILL), paused (SIGSTOP), resumed (SIGCONT) and started
 * again on the same data directory.
 */
final class NodeProcess {
  /** Per-call deadline: an answer takes milliseconds; a stopped node must not hang the test. */
  static final long CALL_SECONDS = 5;

  final int index;
  final Path config;
  final String address;
  final String publicKey;
  final int grpcPort;
  final int metricsPort;
  final Path tokenFile;

  private final Path launcher;
  private final Path log;
  private final Map<String, String> env;
  private final String token;
  private volatile Process process;
  private ManagedChannel channel;
  private boolean paused;

  NodeProcess(
      int index,
      Path config,
      String address,
      String publicKey,
      int grpcPort,
      int metricsPort,
      Path launcher,
      Path log,
      Map<String, String> env)
      throws IOException {
    this.index = index;
    this.config = config;
    this.address = address;
    this.publicKey = publicKey;
    this.grpcPort = grpcPort;
    this.metricsPort = metricsPort;
    this.tokenFile = config.getParent().resolve("api.token");
    this.launcher = launcher;
    this.log = log;
    this.env = Map.copyOf(env);
    this.token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
  }

  String name() {
    return "node" + index;
  }

  /** Launches the node process; its output is appended to its log file. */
  synchronized void start() throws IOException {
    if (isRunning()) {
      throw new IllegalStateException(name() + " already runs");
    }
    ProcessBuilder pb =
        new ProcessBuilder(launcher.toString(), "node", "--config", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    process = pb.start();
    paused = false;
    reconnect();
  }

  synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  synchronized boolean isPaused() {
    return paused;
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed; the node must recover from its store. */
  synchronized void kill() throws InterruptedException {
    if (process == null) {
      return;
    }
    // SIGKILL ends a stopped process as well: a paused node dies without running another
    // instruction (the winner scenario relies on that).
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError(name() + " survived SIGKILL for 30 s");
    }
    paused = false;
  }

  /** SIGKILL without waiting, for the JVM's shutdown: no lock, it may run on any thread. */
  void destroyNow() {
    Process p = process;
    if (p != null) {
      p.destroyForcibly();
    }
  }

  /** SIGTERM, the operator's stop; escalates to SIGKILL after 30 s. */
  synchronized void stop() throws InterruptedException {
    if (process == null || !process.isAlive()) {
      return;
    }
    if (paused) {
      resume();
    }
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    if (channel != null) {
      channel.shutdownNow();
    }
  }

  /** SIGSTOP: the process is frozen, its sockets stay open, its peers hear nothing. */
  synchronized void pause() {
    signal("STOP");
    paused = true;
  }

  /** SIGCONT. */
  synchronized void resume() {
    signal("CONT");
    paused = false;
  }

  private void signal(String sig) {
    // bin/learnchain execs the JVM, so the process id is the node's.
    long pid = process.pid();
    try {
      Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start();
      if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
        throw new AssertionError("kill -" + sig + " " + pid + " failed");
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run kill -" + sig, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted sending SIG" + sig, e);
    }
  }

  /** A fresh channel, so no reconnect back-off from the previous incarnation delays calls. */
  private void reconnect() {
    if (channel != null) {
      channel.shutdownNow();
    }
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", grpcPort)
            .usePlaintext()
            .maxInboundMessageSize(64 << 20)
            .build();
  }

  private synchronized ManagedChannel channel() {
    return channel;
  }

  NodeServiceGrpc.NodeServiceBlockingStub api() {
    return NodeServiceGrpc.newBlockingStub(channel())
        .withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS);
  }

  /** The node API with the token, for the calls that act for the node (verify-block). */
  NodeServiceGrpc.NodeServiceBlockingStub tokenApi() {
    return withToken(NodeServiceGrpc.newBlockingStub(channel()))
        .withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  ProblemServiceGrpc.ProblemServiceBlockingStub problems() {
    return withToken(ProblemServiceGrpc.newBlockingStub(channel()))
        .withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS);
  }

  ProblemServiceGrpc.ProblemServiceStub problemsAsync() {
    return withToken(ProblemServiceGrpc.newStub(channel())).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  AdminServiceGrpc.AdminServiceBlockingStub admin() {
    return withToken(AdminServiceGrpc.newBlockingStub(channel()))
        .withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS);
  }

  private <S extends AbstractStub<S>> S withToken(S stub) {
    Metadata h = new Metadata();
    h.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h));
  }

  /** The node's status, or empty while its API does not answer (starting, paused, dead). */
  Optional<StatusReply> status() {
    if (!isRunning() || isPaused()) {
      return Optional.empty();
    }
    try {
      return Optional.of(api().getStatus(StatusRequest.getDefaultInstance()));
    } catch (StatusRuntimeException e) {
      channel().resetConnectBackoff();
      return Optional.empty();
    }
  }

  boolean apiAnswers() {
    return status().isPresent();
  }

  long height() {
    return status().map(StatusReply::getHeight).orElse(-1L);
  }

  /** One sample of a Prometheus metric (the first line that starts with {@code name}). */
  OptionalDouble metric(String name) {
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                  .timeout(Duration.ofSeconds(CALL_SECONDS))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      for (String line : List.of(r.body().split("\n"))) {
        if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
          return OptionalDouble.of(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
        }
      }
      return OptionalDouble.empty();
    } catch (IOException e) {
      return OptionalDouble.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalDouble.empty();
    }
  }

  @Override
  public String toString() {
    return name() + "(" + address.substring(0, 8) + ")";
  }
}
