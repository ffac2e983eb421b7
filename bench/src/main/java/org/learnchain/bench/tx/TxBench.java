package org.learnchain.bench.tx;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.learnchain.config.ConfigResult;
import org.learnchain.config.HostPort;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.proto.api.ResourcesReply;

/**
 * Sustained transfer throughput of a running network, measured from outside through one node's gRPC
 * API.
 *
 * <p>Setup (untimed): {@code accounts} fresh keys are funded by the given member key. Load ({@link
 * LoadGenerator}): signed transfers between those accounts leave at the open-loop rate (a transfer
 * is due at {@code start + i / rate} whether or not earlier ones were answered), round-robin over
 * the accounts so that no sender's pooled queue is what limits the figure. A {@code WatchBlocks}
 * stream from the same node ({@link BlockWatcher}) says when each transfer is in a canonical block
 * and when that block is final. After the window, the bench waits up to {@code grace} for
 * stragglers, then reads every canonical block since the start and counts each acknowledged
 * transfer there ({@link TxReport}): {@code lost} is acknowledged but in no block; a transfer in
 * two blocks is a {@code duplicate}; a transfer behind a refused one of the same sender (a nonce
 * gap) is {@code stranded}, apart from {@code lost}. Memory and CPU come from {@link
 * ResourceSampler}.
 */
public final class TxBench {
  /** The node's cap on one SubmitTransactions call (docs/api.md). */
  public static final int MAX_BATCH = 1_000;

  private TxBench() {}

  /**
   * @param node the node that receives the transfers and is watched, HOST:PORT
   * @param memoryNodes nodes whose memory is reported at start and end (the target included)
   * @param processes node processes on this machine by their HOST:PORT, whose CPU time over the
   *     window is reported per transfer (empty: none known)
   * @param rate transfers per second offered
   * @param accounts senders the load is spread over
   * @param warmup load sent before the window, left out of the figures (JIT, pools filling)
   * @param grace how long after the window the bench waits for acknowledged transfers
   * @param memoryEvery how often each node's memory is sampled during the window
   * @param progress where a progress line goes every few seconds (null: none)
   * @param batch transfers per SubmitTransactions call at most; 1 sends each transfer in its own
   *     SubmitTransaction call
   */
  public record Options(
      String node,
      List<String> memoryNodes,
      Map<String, ProcessHandle> processes,
      double rate,
      Duration duration,
      int accounts,
      Duration warmup,
      Duration grace,
      Duration memoryEvery,
      PrintWriter progress,
      int batch) {
    /** "batch" or "single", as the JSON reports it. */
    public String mode() {
      return batch > 1 ? "batch" : "single";
    }
  }

  /** One node's memory at the start and end of the window, and sampled in between. */
  public record NodeMemory(String node, Resources start, Resources end, List<Resources> samples) {}

  /**
   * One node process's CPU over the window.
   *
   * @param msPerTransfer CPU milliseconds per transfer of the window committed
   */
  public record NodeCpu(String node, double cpuSeconds, double msPerTransfer) {}

  /** A node's memory at one moment (bytes). */
  public record Resources(long heapUsed, long heapAfterGc, long heapMax, long rss, long gcCount) {
    static Resources of(ResourcesReply r) {
      return new Resources(
          r.getHeapUsedBytes(),
          r.getHeapAfterGcBytes(),
          r.getHeapMaxBytes(),
          r.getRssBytes(),
          r.getGcCount());
    }
  }

  /**
   * The figures of one run.
   *
   * @param tps transfers sent in the window and committed, per second from the window's start to
   *     the last of their commits (at least the window)
   * @param windowTps transfers seen committed during the sending window, per second of it
   * @param p50Ms median latency from submission to the transfer's block arriving at the watcher
   * @param finalP50Ms the same up to the block being final (NaN when none was final in time)
   * @param committed acknowledged transfers found exactly once in the canonical chain
   * @param lost acknowledged transfers in no canonical block after the grace period
   * @param rejected refused transfers by reason (the pool's reason, or the gRPC status)
   * @param startHeight the head when the window opened
   * @param cpu each known node process's CPU over the window (empty without {@code processes})
   * @param clientCpuMsPerTransfer the bench process's own CPU per committed transfer
   * @param retried answers that pushed a transfer back (RESOURCE_EXHAUSTED: POOL_BUSY, POOL_FULL,
   *     SENDER_LIMIT) by reason; each such transfer was sent again later
   * @param aborted why sending stopped before the window's end (null: it did not); the figures are
   *     then those measured until it stopped, over the window actually sent
   */
  public record Result(
      double rate,
      double durationSeconds,
      int accounts,
      long sent,
      long acked,
      long committed,
      long lost,
      long stranded,
      long duplicates,
      double tps,
      double windowTps,
      double p50Ms,
      double p99Ms,
      double maxMs,
      double finalP50Ms,
      double finalP99Ms,
      Map<String, Long> rejected,
      long startHeight,
      long endHeight,
      double[] loadAverageStart,
      double[] loadAverageEnd,
      List<NodeMemory> memory,
      List<NodeCpu> cpu,
      double clientCpuMsPerTransfer,
      List<Hash> acknowledged,
      String mode,
      int batch,
      Map<String, Long> retried,
      String aborted) {
    /** The mean over nodes of CPU milliseconds per transfer (NaN when no process was measured). */
    public double cpuMsPerTransferPerNode() {
      return cpu.stream().mapToDouble(NodeCpu::msPerTransfer).average().orElse(Double.NaN);
    }
  }

  /**
   * Runs the bench with {@code funder} (a funded member key; not destroyed here) paying for the
   * accounts.
   */
  public static Result run(Options o, PrivateKey funder) throws BenchException {
    if (!(o.rate() > 0) || o.duration().isNegative() || o.duration().isZero()) {
      throw new BenchException("rate and duration must be positive");
    }
    if (o.accounts() < 1) {
      throw new BenchException("accounts must be at least 1");
    }
    if (o.batch() < 1 || o.batch() > MAX_BATCH) {
      throw new BenchException("batch must be 1.." + MAX_BATCH);
    }
    ManagedChannel channel = channel(o.node());
    try {
      return new TxRun(o, funder, channel).execute();
    } catch (StatusRuntimeException e) {
      throw new BenchException("node " + o.node() + ": " + describe(e.getStatus()));
    } finally {
      channel.shutdownNow();
    }
  }

  /** A plaintext channel to HOST:PORT. */
  public static ManagedChannel channel(String node) throws BenchException {
    ConfigResult<HostPort> hp = HostPort.parse(node, "--node", "node");
    if (!hp.isValid()) {
      throw new BenchException(hp.problems().get(0).message());
    }
    return NettyChannelBuilder.forAddress(hp.value().host(), hp.value().port())
        .usePlaintext()
        .maxInboundMessageSize(64 << 20)
        .build();
  }

  static String describe(Status s) {
    String d = s.getDescription() == null ? "" : ": " + s.getDescription();
    return s.getCode() == Status.Code.UNAVAILABLE
        ? "unreachable (is it running?)" + d
        : s.getCode().name().toLowerCase(Locale.ROOT) + d;
  }

  /** The reason a refusal is counted under: the pool's reason name, else the status code. */
  static String reason(Status s) {
    return reason(s.getCode().name(), s.getDescription());
  }

  /** The same for one result of a batch: its status code name and its description. */
  static String reason(String code, String d) {
    if (d != null) {
      int colon = d.indexOf(':');
      String head = colon > 0 ? d.substring(0, colon) : "";
      if (!head.isEmpty() && head.chars().allMatch(c -> c == '_' || Character.isUpperCase(c))) {
        return head;
      }
    }
    return code;
  }

  static void progress(Options o, String format, Object... args) {
    if (o.progress() != null) {
      o.progress().printf(Locale.ROOT, "bench tx: " + format + "%n", args);
      o.progress().flush();
    }
  }

  static void sleepMs(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
