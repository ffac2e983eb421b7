package org.learnchain.bench.tx;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.learnchain.proto.api.NodeServiceGrpc;
import org.learnchain.proto.api.ResourcesReply;
import org.learnchain.proto.api.ResourcesRequest;

/**
 * The nodes' memory, asked of each over gRPC during the window, and the CPU time the node processes
 * (where the bench knows them: {@code --testnet}) and the bench itself spent between the window's
 * opening and the end of settling.
 */
final class ResourceSampler {
  private final TxBench.Options o;
  private final ManagedChannel target;
  private final List<Map<String, TxBench.Resources>> samples =
      Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Long> cpuStart = new HashMap<>();
  private final Map<String, Long> cpuEnd = new HashMap<>();
  private long clientCpuStart;
  private long clientCpuEnd;

  ResourceSampler(TxBench.Options o, ManagedChannel target) {
    this.o = o;
    this.target = target;
  }

  /** Asks every memory node for its resources now. */
  void sample() {
    Map<String, TxBench.Resources> out = new HashMap<>();
    for (String node : o.memoryNodes()) {
      ManagedChannel c = null;
      try {
        c = node.equals(o.node()) ? target : TxBench.channel(node);
        ResourcesReply r =
            NodeServiceGrpc.newBlockingStub(c)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .getResources(ResourcesRequest.getDefaultInstance());
        out.put(node, TxBench.Resources.of(r));
      } catch (BenchException | StatusRuntimeException e) {
        TxBench.progress(o, "memory of %s unavailable: %s", node, e.getMessage());
      } finally {
        if (c != null && c != target) {
          c.shutdownNow();
        }
      }
    }
    samples.add(out);
  }

  /** Reads every known process's CPU time as the window opens. */
  synchronized void openWindow() {
    readCpu(cpuStart);
    clientCpuStart = clientCpuNanos();
  }

  /** Reads them again once the load has settled. */
  synchronized void closeWindow() {
    readCpu(cpuEnd);
    clientCpuEnd = clientCpuNanos();
  }

  private void readCpu(Map<String, Long> into) {
    o.processes()
        .forEach(
            (node, p) ->
                p.info()
                    .totalCpuDuration()
                    .map(Duration::toNanos)
                    .ifPresent(n -> into.put(node, n)));
  }

  private static long clientCpuNanos() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun
        ? sun.getProcessCpuTime()
        : -1;
  }

  /** Each memory node's series, for those sampled at least twice. */
  List<TxBench.NodeMemory> memory() {
    List<Map<String, TxBench.Resources>> copy;
    synchronized (samples) {
      copy = new ArrayList<>(samples);
    }
    List<TxBench.NodeMemory> memory = new ArrayList<>();
    for (String node : o.memoryNodes()) {
      List<TxBench.Resources> series = new ArrayList<>();
      for (Map<String, TxBench.Resources> m : copy) {
        if (m.containsKey(node)) {
          series.add(m.get(node));
        }
      }
      if (series.size() >= 2) {
        memory.add(
            new TxBench.NodeMemory(node, series.get(0), series.get(series.size() - 1), series));
      }
    }
    return memory;
  }

  /** CPU seconds per node over the window, and milliseconds per one of {@code transfers}. */
  synchronized List<TxBench.NodeCpu> cpu(long transfers) {
    List<TxBench.NodeCpu> out = new ArrayList<>();
    for (String node : o.processes().keySet()) {
      Long a = cpuStart.get(node);
      Long b = cpuEnd.get(node);
      if (a != null && b != null) {
        out.add(new TxBench.NodeCpu(node, (b - a) / 1e9, perTransferMs(b - a, transfers)));
      }
    }
    return out;
  }

  /** The bench's own CPU milliseconds per transfer over the window (NaN when unknown). */
  synchronized double clientCpuMsPerTransfer(long transfers) {
    return clientCpuStart < 0 || clientCpuEnd <= 0
        ? Double.NaN
        : perTransferMs(clientCpuEnd - clientCpuStart, transfers);
  }

  private static double perTransferMs(long nanos, long transfers) {
    return transfers > 0 ? nanos / 1e6 / transfers : Double.NaN;
  }
}
