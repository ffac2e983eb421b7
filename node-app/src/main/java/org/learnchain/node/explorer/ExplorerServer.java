package org.learnchain.node.explorer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's web explorer on the JDK's HTTP server, bound to the configured host (127.0.0.1 by
 * default): the page and its script and styles from the jar, {@code /openapi.json}, the JSON API
 * under {@code /api/} ({@link ExplorerApi}) and the live stream at {@code /api/events} (Server-Sent
 * Events). Only GET and HEAD are served (405 otherwise), so nothing on this port can change the
 * node. Stream connections each hold a thread, so they are capped at {@value #MAX_STREAMS} (503
 * beyond) and the pool keeps threads for the JSON calls.
 */
public final class ExplorerServer {
  private static final Logger LOG = LoggerFactory.getLogger(ExplorerServer.class);
  static final int MAX_STREAMS = 12;
  private static final int THREADS = MAX_STREAMS + 4;
  private static final long HEARTBEAT_MS = 15_000;
  private static final String WEB = "/org/learnchain/node/explorer/web/";

  /** Static files: request path to resource name and content type. */
  private static final Map<String, String[]> ASSETS =
      Map.of(
          "/", new String[] {"index.html", "text/html; charset=utf-8"},
          "/index.html", new String[] {"index.html", "text/html; charset=utf-8"},
          "/app.js", new String[] {"app.js", "text/javascript; charset=utf-8"},
          "/app.css", new String[] {"app.css", "text/css; charset=utf-8"},
          "/favicon.svg", new String[] {"favicon.svg", "image/svg+xml"},
          "/openapi.json", new String[] {"openapi.json", "application/json; charset=utf-8"});

  private final String host;
  private final int port;
  private final ExplorerEvents events;
  private final ExplorerApi api;
  private final AtomicInteger streams = new AtomicInteger();
  private HttpServer server;
  private ExecutorService executor;
  private ScheduledExecutorService ticker;
  private volatile boolean stopping;

  public ExplorerServer(ExplorerSource source, String host, int port) {
    this(source, host, port, System::currentTimeMillis);
  }

  ExplorerServer(ExplorerSource source, String host, int port, LongSupplier clock) {
    this.host = host;
    this.port = port;
    this.events = new ExplorerEvents(source.tracker(), clock);
    this.api = new ExplorerApi(source, clock);
  }

  /** The listener to register on the node's event bus. */
  public ExplorerEvents events() {
    return events;
  }

  public synchronized void start() throws IOException {
    stopping = false;
    server = HttpServer.create(new InetSocketAddress(host, port), 64);
    AtomicInteger n = new AtomicInteger();
    executor =
        Executors.newFixedThreadPool(
            THREADS,
            r -> {
              Thread t = new Thread(r, "explorer-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "explorer-phase");
              t.setDaemon(true);
              return t;
            });
    ticker.scheduleWithFixedDelay(events::checkPhase, 0, 250, TimeUnit.MILLISECONDS);
    LOG.info("Explorer listening url=http://{}/", hostPort());
  }

  /** The bound port (the real one when configured with 0). */
  public synchronized int port() {
    return server == null ? port : server.getAddress().getPort();
  }

  /** {@code host:port} for a URL (IPv6 hosts bracketed). */
  public String hostPort() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
  }

  public synchronized void stop() {
    if (server == null) {
      return;
    }
    stopping = true;
    ticker.shutdownNow();
    server.stop(0);
    executor.shutdownNow();
    server = null;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        send(ex, 405, ExplorerApi.error(405, "the explorer is read-only: use GET"));
        return;
      }
      String path = ex.getRequestURI().getRawPath();
      if (path.equals("/api/events")) {
        stream(ex);
        return;
      }
      if (path.startsWith("/api/")) {
        ExplorerApi.Response r = api.handle(path, ex.getRequestURI().getRawQuery());
        if (r.bytes() != null) {
          ex.getResponseHeaders().set("Content-Disposition", r.disposition());
          sendBytes(ex, 200, "application/octet-stream", r.bytes());
        } else {
          send(ex, r.status(), r.body());
        }
        return;
      }
      String[] asset = ASSETS.get(path);
      if (asset == null) {
        send(ex, 404, ExplorerApi.error(404, "no page " + ExplorerApi.shorten(path)));
        return;
      }
      try (InputStream in = ExplorerServer.class.getResourceAsStream(WEB + asset[0])) {
        if (in == null) {
          // The jar was built without its web assets: a packaging bug, not a client error.
          send(ex, 500, ExplorerApi.error(500, "explorer asset missing from the build"));
          return;
        }
        sendBytes(ex, 200, asset[1], in.readAllBytes());
      }
    }
  }

  private static void send(HttpExchange ex, int status, JsonElement body) throws IOException {
    sendBytes(
        ex,
        status,
        "application/json; charset=utf-8",
        body.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static void sendBytes(HttpExchange ex, int status, String type, byte[] bytes)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    // Everything the page needs comes from this origin; no inline script, no third party.
    ex.getResponseHeaders()
        .set(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'");
    if (ex.getRequestMethod().equals("HEAD")) {
      ex.sendResponseHeaders(status, -1);
      return;
    }
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** Server-Sent Events until the page goes away, the node stops or the page falls behind. */
  private void stream(HttpExchange ex) throws IOException {
    if (streams.incrementAndGet() > MAX_STREAMS) {
      streams.decrementAndGet();
      ex.getResponseHeaders().set("Retry-After", "5");
      send(ex, 503, ExplorerApi.error(503, "too many open event streams; try again later"));
      return;
    }
    ExplorerEvents.Subscriber sub = events.subscribe();
    try {
      ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      ex.getResponseHeaders().set("Cache-Control", "no-store");
      ex.getResponseHeaders().set("X-Accel-Buffering", "no");
      if (ex.getRequestMethod().equals("HEAD")) {
        ex.sendResponseHeaders(200, -1);
        return;
      }
      ex.sendResponseHeaders(200, 0);
      OutputStream out = ex.getResponseBody();
      write(out, "retry: 2000\n: learnchain explorer events\n\n");
      // The page loads the state over JSON after connecting; this tells it the stream is live.
      events.publishTo(sub, "hello", new JsonObject());
      while (!stopping && !sub.overflowed()) {
        ExplorerEvents.Event e = sub.poll(HEARTBEAT_MS);
        if (e == null) {
          write(out, ": ping\n\n");
        } else {
          write(out, "id: " + e.id() + "\nevent: " + e.type() + "\ndata: " + e.json() + "\n\n");
        }
      }
    } catch (IOException e) {
      // The page closed the connection: the normal end of a stream.
      LOG.debug("Explorer event stream closed reason={}", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      events.unsubscribe(sub);
      streams.decrementAndGet();
    }
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** For tests: pages connected now. */
  int streamCount() {
    return events.subscriberCount();
  }
}
