package org.learnchain.node.cli.client;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.learnchain.config.ConfigResult;
import org.learnchain.config.HostPort;
import org.learnchain.consensus.Result;
import org.learnchain.node.api.ApiToken;
import org.learnchain.node.cli.common.CliResult;
import org.learnchain.proto.admin.AdminServiceGrpc;
import org.learnchain.proto.api.NodeServiceGrpc;
import org.learnchain.proto.api.ProblemServiceGrpc;

/**
 * A connection to a node's API for one CLI command: plaintext gRPC (the API binds loopback), a
 * deadline on every call, and the API token in the request headers when the command has one.
 */
public final class ApiClient implements AutoCloseable {
  /** Largest answer accepted (a block view lists its transaction hashes). */
  static final int MAX_INBOUND_BYTES = 64 << 20;

  private final String target;
  private final ManagedChannel channel;
  private final long timeoutSeconds;
  private final Optional<ApiToken> token;

  private ApiClient(
      String target, ManagedChannel channel, long timeoutSeconds, Optional<ApiToken> token) {
    this.target = target;
    this.channel = channel;
    this.timeoutSeconds = timeoutSeconds;
    this.token = token;
  }

  /** Connects (lazily) to {@code options.node()}; a bad address or token file is an error. */
  public static CliResult<ApiClient> open(ClientOptions options, boolean tokenRequired) {
    ConfigResult<HostPort> hp = HostPort.parse(options.node(), "--node", "node");
    if (!hp.isValid()) {
      return CliResult.error(hp.problems().get(0).message());
    }
    if (options.timeoutSeconds() < 1) {
      return CliResult.error("--timeout must be at least 1 second");
    }
    Optional<ApiToken> token = Optional.empty();
    if (options.tokenFile() != null) {
      Result<ApiToken> t = ApiToken.read(options.tokenFile());
      if (!t.isOk()) {
        return CliResult.error(t.reason());
      }
      token = Optional.of(t.value());
    } else if (tokenRequired) {
      return CliResult.error("this command needs the node's API token: --token-file FILE");
    }
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(hp.value().host(), hp.value().port())
            .usePlaintext()
            .maxInboundMessageSize(MAX_INBOUND_BYTES)
            .build();
    return CliResult.ok(
        new ApiClient(hp.value().toString(), channel, options.timeoutSeconds(), token));
  }

  public NodeServiceGrpc.NodeServiceBlockingStub node() {
    return prepare(NodeServiceGrpc.newBlockingStub(channel), 1);
  }

  public AdminServiceGrpc.AdminServiceBlockingStub admin() {
    return prepare(AdminServiceGrpc.newBlockingStub(channel), 1);
  }

  public ProblemServiceGrpc.ProblemServiceBlockingStub problems() {
    return prepare(ProblemServiceGrpc.newBlockingStub(channel), 1);
  }

  /** For streams that follow a round live: no deadline, the user ends them (Ctrl-C). */
  public ProblemServiceGrpc.ProblemServiceBlockingStub problemsUnbounded() {
    return withToken(ProblemServiceGrpc.newBlockingStub(channel));
  }

  /** For uploads, whose deadline is 60 times the per-call one. */
  public ProblemServiceGrpc.ProblemServiceStub problemsAsync() {
    return prepare(ProblemServiceGrpc.newStub(channel), 60);
  }

  private <S extends AbstractStub<S>> S prepare(S stub, int factor) {
    return withToken(stub).withDeadlineAfter(timeoutSeconds * factor, TimeUnit.SECONDS);
  }

  private <S extends AbstractStub<S>> S withToken(S stub) {
    if (token.isEmpty()) {
      return stub;
    }
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        "Bearer " + token.get().reveal());
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /** One line for a failed call. */
  public String describe(StatusRuntimeException e) {
    Status s = e.getStatus();
    String d = s.getDescription() == null ? "" : s.getDescription();
    return switch (s.getCode()) {
      case UNAVAILABLE -> "cannot reach a node at " + target + " (is it running?)" + suffix(d);
      case DEADLINE_EXCEEDED -> "no answer from " + target + " within the deadline";
      default -> s.getCode().name().toLowerCase(java.util.Locale.ROOT) + ": " + d;
    };
  }

  private static String suffix(String d) {
    return d.isEmpty() ? "" : ": " + d.replaceAll("\\p{Cntrl}", " ");
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
