package org.learnchain.bench.tx;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.proto.api.NodeServiceGrpc;
import org.learnchain.proto.api.StatusReply;
import org.learnchain.proto.api.StatusRequest;

/** One run of {@link TxBench}: watch, fund, load, settle, count. */
final class TxRun {
  private final TxBench.Options o;
  private final PrivateKey funder;
  private final ManagedChannel channel;
  private final Map<Hash, Sent> sent = new ConcurrentHashMap<>();
  private final BlockWatcher watcher = new BlockWatcher(sent);
  private final LoadGenerator load;
  private final ResourceSampler resources;
  private volatile double[] loadStart;
  private volatile long windowStartHeight;
  private String aborted;

  TxRun(TxBench.Options o, PrivateKey funder, ManagedChannel channel) {
    this.o = o;
    this.funder = funder;
    this.channel = channel;
    this.load =
        new LoadGenerator(o, NodeServiceGrpc.newStub(channel), this::blocking, watcher, sent);
    this.resources = new ResourceSampler(o, channel);
  }

  private NodeServiceGrpc.NodeServiceBlockingStub blocking() {
    return NodeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  TxBench.Result execute() throws BenchException {
    StatusReply status = blocking().getStatus(StatusRequest.getDefaultInstance());
    long fee = Math.max(1, status.getMinTxFee());
    Context.CancellableContext watchContext = Context.current().withCancellation();
    try {
      watchContext.run(
          () -> watcher.start(NodeServiceGrpc.newStub(channel), status.getHeight() + 1));
      List<PrivateKey> keys = load.fund(funder, status.getChainId(), fee);
      long begin = System.nanoTime();
      long start = begin + o.warmup().toNanos();
      long startHeight = watcher.headHeight();
      ScheduledExecutorService sampler =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "bench-memory");
                t.setDaemon(true);
                return t;
              });
      try {
        // The window opens after the warm-up; resources are sampled from then on, off the sender.
        sampler.schedule(
            () -> {
              loadStart = LoadAverage.read();
              windowStartHeight = watcher.headHeight();
              resources.openWindow();
            },
            o.warmup().toMillis(),
            TimeUnit.MILLISECONDS);
        sampler.scheduleAtFixedRate(
            resources::sample,
            o.warmup().toMillis(),
            Math.max(1_000, o.memoryEvery().toMillis()),
            TimeUnit.MILLISECONDS);
        load.send(keys, begin, start);
      } catch (BenchException e) {
        // Keep what was measured until then: settle, count and report it with the reason.
        aborted = e.getMessage();
        TxBench.progress(o, "aborted: %s; reporting the figures measured so far", aborted);
      } finally {
        sampler.shutdownNow();
      }
      long sendEnd = System.nanoTime();
      try {
        load.awaitSettled(sendEnd);
      } catch (BenchException e) {
        if (aborted == null) {
          throw e;
        }
        load.giveUp();
      }
      resources.closeWindow();
      double[] loadEnd = LoadAverage.read();
      resources.sample();
      Map<Hash, Integer> counts =
          BlockWatcher.chainCounts(this::blocking, Math.max(1, startHeight));
      return new TxReport(o, sent, load, resources)
          .summarise(
              counts,
              start,
              sendEnd,
              keys.size(),
              windowStartHeight,
              watcher.headHeight(),
              loadStart == null ? loadEnd : loadStart,
              loadEnd,
              aborted);
    } finally {
      watchContext.cancel(null);
    }
  }
}
