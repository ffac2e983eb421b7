package org.learnchain.bench.p2p;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.p2p.BlobResult;
import org.learnchain.p2p.BlockSource;
import org.learnchain.p2p.Membership;
import org.learnchain.p2p.P2PConfig;
import org.learnchain.p2p.P2PNetwork;
import org.learnchain.p2p.PeerAddress;
import org.learnchain.p2p.RateLimit;
import org.learnchain.p2p.Topic;
import org.learnchain.p2p.ValidationResult;
import org.learnchain.p2p.blob.InMemoryBlobStore;
import org.learnchain.p2p.netty.NettyP2PNetwork;

/**
 * Measures the Netty network on loopback: blob throughput between two nodes beside a plain TCP copy
 * of the same bytes in the same run, and gossip latency across five fully meshed nodes. {@link
 * #main} prints one JSON object (wired into {@code learnchain bench p2p --json}).
 */
public final class P2PBench {
  private static final String CHAIN = "learnchain-bench";
  private static final Hash GENESIS =
      Hashing.sha256("p2p bench genesis".getBytes(StandardCharsets.UTF_8));
  private static final Topic TOPIC = Topic.of("bench/gossip");

  private P2PBench() {}

  /**
   * What to measure.
   *
   * @param blobMiB size of the blob copied between two nodes (and over plain TCP)
   * @param gossipMessages messages published across the five nodes (after a warm-up)
   * @param gossipRatePerSecond publishing pace, so latency is measured below saturation
   * @param payloadBytes gossip payload size
   * @param warmupRounds untimed blob and TCP copies first, at least; more follow (up to {@link
   *     #MAX_EXTRA_WARMUP}) while the JIT compiler is still busy, see {@link #run}
   * @param rounds timed copies of each kind, interleaved; the medians are reported
   */
  public record Options(
      int blobMiB,
      int gossipMessages,
      int gossipRatePerSecond,
      int payloadBytes,
      int warmupRounds,
      int rounds) {
    public static Options defaults() {
      return new Options(128, 2000, 500, 512, 3, 3);
    }
  }

  /** The blob/TCP throughput ratio the network is judged by (docs/benchmarks.md). */
  public static final double RATIO_GOAL = 0.6;

  /**
   * The figures; MB is 10^6 bytes. The CPU figures are process CPU seconds (all threads, both ends)
   * per GB moved: unlike the rates they do not depend on how busy the machine is. {@code
   * warmupRounds} is the number of untimed copies actually made. {@code tls} is the protocol,
   * cipher suite and library of the blob session as its live engine reports them; the load averages
   * (1 minute) are the machine's before the first and after the last timed copy.
   */
  public record Result(
      long blobBytes,
      int warmupRounds,
      double blobMBps,
      double tcpMBps,
      double ratio,
      double blobCpuSecondsPerGB,
      double tcpCpuSecondsPerGB,
      double tlsRecordsCpuSecondsPerGB,
      double sha256CpuSecondsPerGB,
      String tls,
      double loadAverageStart,
      double loadAverageEnd,
      int gossipNodes,
      int gossipDeliveries,
      double gossipP50Ms,
      double gossipP99Ms,
      double gossipMaxMs) {
    public String toJson() {
      return String.format(
          Locale.ROOT,
          "{\"blobBytes\":%d,\"warmupRounds\":%d,\"blobMBps\":%.1f,\"tcpMBps\":%.1f,\"ratio\":%.3f,"
              + "\"ratioGoal\":%.2f,\"blobCpuSecondsPerGB\":%.2f,\"tcpCpuSecondsPerGB\":%.2f,"
              + "\"tlsRecordsCpuSecondsPerGB\":%.2f,\"sha256CpuSecondsPerGB\":%.2f,"
              + "\"floorCpuSecondsPerGB\":%.2f,\"ratioBound\":%.3f,\"ratioBoundAllCores\":%.3f,"
              + "\"tls\":\"%s\",\"loadAverageStart\":%.2f,\"loadAverageEnd\":%.2f,"
              + "\"gossipNodes\":%d,\"gossipDeliveries\":%d,\"gossipP50Ms\":%.3f,"
              + "\"gossipP99Ms\":%.3f,\"gossipMaxMs\":%.3f}",
          blobBytes,
          warmupRounds,
          blobMBps,
          tcpMBps,
          ratio,
          RATIO_GOAL,
          blobCpuSecondsPerGB,
          tcpCpuSecondsPerGB,
          tlsRecordsCpuSecondsPerGB,
          sha256CpuSecondsPerGB,
          floorCpuSecondsPerGB(),
          ratioBound(),
          ratioBoundAllCores(),
          tls.replace("\\", "\\\\").replace("\"", "\\\""),
          loadAverageStart,
          loadAverageEnd,
          gossipNodes,
          gossipDeliveries,
          gossipP50Ms,
          gossipP99Ms,
          gossipMaxMs);
    }

    /**
     * CPU seconds per GB no encrypted, verified copy can go under: the plain copy's, plus sealing
     * and opening the bytes as TLS records, plus hashing them once.
     */
    public double floorCpuSecondsPerGB() {
      return tcpCpuSecondsPerGB + tlsRecordsCpuSecondsPerGB + sha256CpuSecondsPerGB;
    }

    /**
     * The best blob/TCP ratio a copy costing {@link #floorCpuSecondsPerGB} could reach when, like
     * the plain copy, it is bound by CPU and keeps the cores as busy: the plain copy's CPU per GB
     * over the floor's.
     */
    public double ratioBound() {
      return tcpCpuSecondsPerGB / floorCpuSecondsPerGB();
    }

    /**
     * The best blob/TCP ratio even a copy keeping every core of the machine busy with nothing but
     * the floor's work could reach: the cores' GB per second at the floor's cost, over the plain
     * copy's measured rate.
     */
    public double ratioBoundAllCores() {
      double floorMBps = Runtime.getRuntime().availableProcessors() / floorCpuSecondsPerGB() * 1e3;
      return floorMBps / tcpMBps;
    }
  }

  /** Warm-up copies beyond {@link Options#warmupRounds} at most, while the JIT is busy. */
  public static final int MAX_EXTRA_WARMUP = 20;

  /** Warm-up has ended once the JIT compiled for less than this share of a warm-up copy's time. */
  private static final double JIT_SETTLED_SHARE = 0.10;

  /**
   * Runs the measurement. Warm-up: the blob path's per-chunk code (Netty's pipeline, protobuf, the
   * fetcher) is called a few hundred times per copy, so the JIT compiler keeps compiling it for a
   * dozen copies or so (measured: 40-85% of a core compiling during copies 2-6, under 15% from
   * about copy 14). Timed copies taken during that time count the compiler's work as CPU per GB
   * moved and the slower, not yet compiled, code as throughput. So after the requested warm-up
   * copies, more follow while the compiler spent more than a tenth of the last copy's time
   * compiling, at most {@link #MAX_EXTRA_WARMUP}.
   */
  public static Result run(Options o) throws Exception {
    byte[] blob = new byte[o.blobMiB() << 20];
    new Random(42).nextBytes(blob);
    double[] blobRates = new double[o.rounds()];
    double[] tcpRates = new double[o.rounds()];
    double[] blobCpu = new double[o.rounds()];
    double[] tcpCpu = new double[o.rounds()];
    double[] tlsCpu = new double[o.rounds()];
    double[] shaCpu = new double[o.rounds()];
    double gb = blob.length / 1e9;
    int warmups = 0;
    String tls;
    double loadStart;
    double loadEnd;
    try (BlobPair pair = new BlobPair(blob)) {
      tls = pair.tls();
      System.err.println("blob session: " + tls);
      CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
      boolean watchJit = jit != null && jit.isCompilationTimeMonitoringSupported();
      boolean settled = false;
      while (warmups < o.warmupRounds()
          || (watchJit && !settled && warmups < o.warmupRounds() + MAX_EXTRA_WARMUP)) {
        long jit0 = watchJit ? jit.getTotalCompilationTime() : 0;
        long t0 = System.nanoTime();
        pair.fetchSeconds();
        tcpSeconds(blob);
        CryptoFloor.measure(blob, key(2), key(3), CHAIN, GENESIS);
        double ms = (System.nanoTime() - t0) / 1e6;
        double compiledMs = watchJit ? jit.getTotalCompilationTime() - jit0 : 0;
        settled = compiledMs < JIT_SETTLED_SHARE * ms;
        warmups++;
        System.err.printf(
            Locale.ROOT, "warm-up %d jitShare=%.2f%n", warmups, ms > 0 ? compiledMs / ms : 0);
      }
      loadStart = loadAverage();
      for (int i = 0; i < o.rounds(); i++) {
        String load = loadAverages();
        long c0 = processCpuNanos();
        blobRates[i] = blob.length / 1e6 / pair.fetchSeconds();
        long c1 = processCpuNanos();
        tcpRates[i] = blob.length / 1e6 / tcpSeconds(blob);
        long c2 = processCpuNanos();
        CryptoFloor.Figures f = CryptoFloor.measure(blob, key(2), key(3), CHAIN, GENESIS);
        blobCpu[i] = (c1 - c0) / 1e9 / gb;
        tcpCpu[i] = (c2 - c1) / 1e9 / gb;
        tlsCpu[i] = f.tlsRecordsCpuSecondsPerGB();
        shaCpu[i] = f.sha256CpuSecondsPerGB();
        System.err.printf(
            Locale.ROOT,
            "round %d blobMBps=%.1f tcpMBps=%.1f blobCpuSecondsPerGB=%.2f tcpCpuSecondsPerGB=%.2f"
                + " tlsRecordsCpuSecondsPerGB=%.2f (%s) sha256CpuSecondsPerGB=%.2f load=%s%n",
            i,
            blobRates[i],
            tcpRates[i],
            blobCpu[i],
            tcpCpu[i],
            tlsCpu[i],
            f.tls(),
            shaCpu[i],
            load);
      }
      loadEnd = loadAverage();
    }
    double blobMBps = median(blobRates);
    double tcpMBps = median(tcpRates);
    double[] lat = gossipLatencies(o);
    Arrays.sort(lat);
    return new Result(
        blob.length,
        warmups,
        blobMBps,
        tcpMBps,
        blobMBps / tcpMBps,
        median(blobCpu),
        median(tcpCpu),
        median(tlsCpu),
        median(shaCpu),
        tls,
        loadStart,
        loadEnd,
        5,
        lat.length,
        percentile(lat, 0.50),
        percentile(lat, 0.99),
        lat.length == 0 ? 0 : lat[lat.length - 1]);
  }

  /**
   * Runs the default measurement and prints the JSON object; arguments, all optional: blob MiB,
   * timed rounds, minimum warm-up rounds.
   */
  public static void main(String[] args) throws Exception {
    Options d = Options.defaults();
    Options o =
        new Options(
            args.length > 0 ? Integer.parseInt(args[0]) : d.blobMiB(),
            d.gossipMessages(),
            d.gossipRatePerSecond(),
            d.payloadBytes(),
            args.length > 2 ? Integer.parseInt(args[2]) : d.warmupRounds(),
            args.length > 1 ? Integer.parseInt(args[1]) : d.rounds());
    System.out.println(run(o).toJson());
  }

  /** The machine's 1-minute load average, or -1 where the JVM cannot tell. */
  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  /** The 1, 5 and 15-minute load averages as {@code uptime} prints them, where Linux has them. */
  private static String loadAverages() {
    try {
      String[] f =
          java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + "," + f[1] + "," + f[2];
    } catch (IOException | RuntimeException e) {
      return String.format(Locale.ROOT, "%.2f", loadAverage());
    }
  }

  /** CPU time of the whole process (every thread), or 0 where the JVM does not expose it. */
  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static PrivateKey key(int i) {
    return PrivateKey.fromSeed(
        Hashing.sha256(("bench-node-" + i).getBytes(StandardCharsets.UTF_8)).toArray());
  }

  private static P2PConfig.Builder config(List<PeerAddress> bootnodes) {
    return P2PConfig.builder(CHAIN, GENESIS)
        .listen("127.0.0.1", 0)
        .bootnodes(bootnodes)
        .maintenanceInterval(Duration.ofMillis(50))
        .peerListInterval(Duration.ofMillis(200))
        .reconnectBackoff(Duration.ofMillis(50), Duration.ofSeconds(1))
        // The rate limits are policy, not transport: left at their defaults they would cap what
        // is measured (gossip at 1000 messages/s; blob fetches at 0.9 x 2000 requests/s x 256 KiB
        // chunks = 470 MB/s, which a quiet loopback exceeds).
        .gossipRate(new RateLimit(100_000, 100_000))
        .requestRate(new RateLimit(100_000, 100_000))
        .requestTimeout(Duration.ofSeconds(30));
  }

  /**
   * Two nodes for the blob copies. They persist across rounds, as a node serving a training set to
   * many miners does: the serving side computes the blob's manifest (one hashing pass) on the first
   * request and reuses it; the fetching side drops its copy after every round, so each round
   * transfers, decrypts, verifies chunk by chunk and whole, and stores all the bytes again.
   */
  private static final class BlobPair implements AutoCloseable {
    final P2PNetwork a;
    final P2PNetwork b;
    final InMemoryBlobStore storeA = new InMemoryBlobStore();
    final Hash hash;
    final long size;

    BlobPair(byte[] blob) throws Exception {
      List<PrivateKey> keys = List.of(key(0), key(1));
      Membership members = Membership.of(keys.stream().map(PrivateKey::publicKey).toList());
      InMemoryBlobStore storeB = new InMemoryBlobStore();
      hash = storeB.put(blob);
      size = blob.length;
      b =
          new NettyP2PNetwork(
              config(List.of()).build(),
              keys.get(1),
              members,
              BlockSource.none(),
              storeB,
              new SimpleMeterRegistry());
      b.start();
      a =
          new NettyP2PNetwork(
              config(List.of(b.listenAddress())).build(),
              keys.get(0),
              members,
              BlockSource.none(),
              storeA,
              new SimpleMeterRegistry());
      a.start();
      awaitPeers(a, 1);
    }

    /** The blob session's TLS protocol, cipher suite and library, as a's engine reports them. */
    String tls() {
      return ((NettyP2PNetwork) a).tlsSession(b.localKey()).orElse("no session");
    }

    /** Seconds for a to fetch the blob from b. */
    double fetchSeconds() throws Exception {
      storeA.remove(hash);
      long t0 = System.nanoTime();
      BlobResult r = a.fetchBlob(hash, size).get(5, TimeUnit.MINUTES);
      long t1 = System.nanoTime();
      if (!(r instanceof BlobResult.Fetched)) {
        throw new IllegalStateException("blob fetch failed: " + r);
      }
      return (t1 - t0) / 1e9;
    }

    @Override
    public void close() {
      a.stop();
      b.stop();
    }
  }

  /** Seconds to copy {@code blob} over a plain loopback socket into a destination array. */
  private static double tcpSeconds(byte[] blob) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      byte[] dst = new byte[blob.length];
      CompletableFuture<Long> done =
          CompletableFuture.supplyAsync(
              () -> {
                try (Socket s = server.accept();
                    InputStream in = s.getInputStream()) {
                  int off = 0;
                  while (off < dst.length) {
                    int n = in.read(dst, off, Math.min(1 << 20, dst.length - off));
                    if (n < 0) {
                      break;
                    }
                    off += n;
                  }
                  return System.nanoTime();
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      long t0 = System.nanoTime();
      try (Socket c = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
          OutputStream out = c.getOutputStream()) {
        c.setTcpNoDelay(true);
        for (int off = 0; off < blob.length; off += 1 << 20) {
          out.write(blob, off, Math.min(1 << 20, blob.length - off));
        }
        out.flush();
        long t1 = done.get(5, TimeUnit.MINUTES);
        if (!Arrays.equals(blob, dst)) {
          throw new IllegalStateException("tcp copy corrupted");
        }
        return (t1 - t0) / 1e9;
      }
    }
  }

  /** Publish-to-delivery latencies (ms) at every receiving node. */
  private static double[] gossipLatencies(Options o) throws Exception {
    int n = 5;
    List<PrivateKey> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add(key(10 + i));
    }
    Membership members = Membership.of(keys.stream().map(PrivateKey::publicKey).toList());
    List<P2PNetwork> nodes = new ArrayList<>();
    ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
    AtomicLong recording = new AtomicLong();
    AtomicLong deliveries = new AtomicLong();
    try {
      for (int i = 0; i < n; i++) {
        List<PeerAddress> boot = i == 0 ? List.of() : List.of(nodes.get(0).listenAddress());
        P2PNetwork node =
            new NettyP2PNetwork(
                config(boot).targetPeers(n - 1).build(),
                keys.get(i),
                members,
                BlockSource.none(),
                new InMemoryBlobStore(),
                new SimpleMeterRegistry());
        node.start();
        node.subscribe(
            TOPIC,
            m -> ValidationResult.ACCEPT,
            m -> {
              long sent = ByteBuffer.wrap(m.payload()).getLong();
              deliveries.incrementAndGet();
              if (recording.get() == 1) {
                latencies.add((System.nanoTime() - sent) / 1e6);
              }
            });
        nodes.add(node);
      }
      for (P2PNetwork node : nodes) {
        awaitPeers(node, n - 1);
      }
      int warmup = Math.max(200, o.gossipMessages() / 4);
      publish(nodes, warmup, o, 0, deliveries);
      recording.set(1);
      publish(nodes, o.gossipMessages(), o, warmup, deliveries);
      recording.set(2);
    } finally {
      for (P2PNetwork node : nodes) {
        node.stop();
      }
    }
    return latencies.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static void publish(
      List<P2PNetwork> nodes, int count, Options o, long seqBase, AtomicLong deliveries)
      throws InterruptedException, TimeoutException {
    long intervalNanos = 1_000_000_000L / o.gossipRatePerSecond();
    long expected = deliveries.get() + (long) count * (nodes.size() - 1);
    long next = System.nanoTime();
    for (int i = 0; i < count; i++) {
      while (System.nanoTime() < next) {
        Thread.onSpinWait();
      }
      next += intervalNanos;
      ByteBuffer payload = ByteBuffer.allocate(o.payloadBytes());
      payload.putLong(System.nanoTime()).putLong(seqBase + i);
      nodes.get(i % nodes.size()).publish(TOPIC, payload.array());
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (deliveries.get() < expected) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            "gossip delivered " + deliveries.get() + " of " + expected + " expected");
      }
      Thread.sleep(5);
    }
  }

  private static void awaitPeers(P2PNetwork node, int n)
      throws InterruptedException, ExecutionException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (node.peers().size() < n) {
      if (System.nanoTime() > deadline) {
        throw new ExecutionException(
            "node "
                + shortKey(node.localKey())
                + " has "
                + node.peers().size()
                + " peers, expected "
                + n,
            null);
      }
      Thread.sleep(10);
    }
  }

  private static String shortKey(PublicKey k) {
    return k.toHex().substring(0, 8);
  }
}
