package org.learnchain.node.api;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.grpc.MetricCollectingServerInterceptor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.learnchain.proto.admin.AdminServiceGrpc;
import org.learnchain.proto.api.NodeServiceGrpc;
import org.learnchain.proto.api.ProblemServiceGrpc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's gRPC server: node and problem services behind the token check, plus server reflection
 * so that standard tools (grpcurl) can list and call them. Binds the configured host (127.0.0.1 by
 * default). Messages are bounded ({@value #MAX_MESSAGE_BYTES} bytes in, uploads arrive in chunks),
 * handlers run on a small pool, and streams end when the client cancels or its deadline passes.
 */
public final class ApiServer {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

  /** Largest request message: upload chunks are at most 1 MiB. */
  public static final int MAX_MESSAGE_BYTES = 4 << 20;

  private final ApiContext ctx;
  private final String host;
  private final int port;
  private final MeterRegistry registry;
  private ExecutorService executor;
  private ScheduledExecutorService scheduler;
  private TransactionAdmission admission;
  private Server server;

  /**
   * @param registry where every call is counted and timed by service, method and status code
   *     ({@code grpc_server_*})
   */
  public ApiServer(ApiContext ctx, String host, int port, MeterRegistry registry) {
    this.ctx = ctx;
    this.host = host;
    this.port = port;
    this.registry = registry;
  }

  /** Binds and starts serving. */
  public synchronized void start() throws IOException {
    AtomicInteger n = new AtomicInteger();
    executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "api-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "api-watch");
              t.setDaemon(true);
              return t;
            });
    admission = TransactionAdmission.start(ctx, TransactionAdmission.DEFAULT_CAPACITY);
    TokenInterceptor auth =
        new TokenInterceptor(
            ctx.token(),
            Set.of(
                ProblemServiceGrpc.getSubmitProblemMethod().getFullMethodName(),
                ProblemServiceGrpc.getPredictMethod().getFullMethodName(),
                NodeServiceGrpc.getVerifyBlockMethod().getFullMethodName(),
                AdminServiceGrpc.getDenyPeerMethod().getFullMethodName(),
                AdminServiceGrpc.getAllowPeerMethod().getFullMethodName(),
                AdminServiceGrpc.getListDeniedPeersMethod().getFullMethodName()));
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
            .executor(executor)
            .maxInboundMessageSize(MAX_MESSAGE_BYTES)
            .maxInboundMetadataSize(16 * 1024)
            .handshakeTimeout(10, TimeUnit.SECONDS)
            .maxConnectionIdle(10, TimeUnit.MINUTES)
            .addService(
                StrictRequests.wrap(
                    ServerInterceptors.intercept(
                        new NodeApiService(ctx, scheduler, admission), auth)))
            .addService(
                StrictRequests.wrap(
                    ServerInterceptors.intercept(new ProblemApiService(ctx, scheduler), auth)))
            .addService(
                StrictRequests.wrap(ServerInterceptors.intercept(new AdminApiService(ctx), auth)))
            .addService(ProtoReflectionServiceV1.newInstance())
            .intercept(new MetricCollectingServerInterceptor(registry))
            .build()
            .start();
    LOG.info("API listening address={}:{}", host, server.getPort());
  }

  /** The bound port (the real one when configured with 0). */
  public synchronized int port() {
    return server == null ? port : server.getPort();
  }

  /** Stops taking calls, lets running ones finish for up to 5 s, then cancels the rest. */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    server.shutdown();
    scheduler.shutdownNow();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
        server.awaitTermination(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
    executor.shutdownNow();
    admission.close();
    server = null;
  }
}
