package org.learnchain.node.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prometheus's scrape endpoint ({@code GET /metrics}) and a liveness probe ({@code GET /health}:
 * 200 while the node runs) on the JDK's HTTP server, bound to the configured host (127.0.0.1 by
 * default). Anything else is 404; methods other than GET and HEAD are 405.
 */
public final class MetricsServer {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;
  private final String host;
  private final int port;
  private final BooleanSupplier healthy;
  private HttpServer server;
  private ExecutorService executor;

  public MetricsServer(
      PrometheusMeterRegistry registry, String host, int port, BooleanSupplier healthy) {
    this.registry = registry;
    this.host = host;
    this.port = port;
    this.healthy = healthy;
  }

  public synchronized void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(host, port), 16);
    executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "metrics-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/metrics", ex -> respond(ex, 200, registry.scrape()));
    server.createContext(
        "/health",
        ex ->
            respond(
                ex,
                healthy.getAsBoolean() ? 200 : 503,
                healthy.getAsBoolean() ? "ok\n" : "stopping\n"));
    server.createContext("/", ex -> respond(ex, 404, "not found; try /metrics\n"));
    server.start();
    LOG.info("Metrics listening address={}:{}", host, server.getAddress().getPort());
  }

  private static void respond(HttpExchange ex, int status, String body) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        ex.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
      if (method.equals("HEAD")) {
        ex.sendResponseHeaders(status, -1);
        return;
      }
      ex.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** The bound port (the real one when configured with 0). */
  public synchronized int port() {
    return server == null ? port : server.getAddress().getPort();
  }

  public synchronized void stop() {
    if (server == null) {
      return;
    }
    server.stop(0);
    executor.shutdownNow();
    server = null;
  }
}
