package org.learnchain.node.cli.bench;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.learnchain.bench.p2p.P2PBench;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.node.cli.common.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code learnchain bench p2p}: blob throughput between two authenticated nodes over loopback
 * beside a plain TCP copy of the same bytes, and gossip latency across five nodes.
 */
@Command(
    name = "p2p",
    description = {
      "Blob transfer between two nodes over loopback beside a plain TCP copy of the same bytes",
      "(ratio goal: >= 0.6), the TLS session it ran on, and gossip latency p50/p99 across five"
          + " nodes."
    })
public final class BenchP2pCommand implements Callable<Integer> {
  private final CliContext ctx;
  private final P2PBench.Options defaults = P2PBench.Options.defaults();

  @Option(names = "--json", description = "print one JSON object")
  private boolean json;

  @Option(names = "--blob-mib", paramLabel = "N", description = "blob size in MiB (default 128)")
  private int blobMiB = defaults.blobMiB();

  @Option(names = "--rounds", paramLabel = "N", description = "timed transfers (default 3)")
  private int rounds = defaults.rounds();

  @Option(
      names = "--warmup",
      paramLabel = "N",
      description =
          "minimum untimed transfers; more follow while the JIT compiler is busy (default 3)")
  private int warmup = defaults.warmupRounds();

  @Option(
      names = "--gossip-messages",
      paramLabel = "N",
      description = "gossip messages timed (default 2000)")
  private int gossipMessages = defaults.gossipMessages();

  public BenchP2pCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    if (blobMiB < 1 || rounds < 1 || warmup < 0 || gossipMessages < 1) {
      ctx.err()
          .println("error: --blob-mib, --rounds, --gossip-messages must be >= 1, --warmup >= 0");
      return ExitCodes.USAGE;
    }
    P2PBench.Result r =
        P2PBench.run(
            new P2PBench.Options(
                blobMiB,
                gossipMessages,
                defaults.gossipRatePerSecond(),
                defaults.payloadBytes(),
                warmup,
                rounds));
    if (json) {
      ctx.out().println(r.toJson());
    } else {
      ctx.out()
          .printf(
              Locale.ROOT,
              "blob MB/s          %.1f%nplain TCP MB/s     %.1f%nratio              %.3f"
                  + " (goal >= %.1f)%ncpu s/GB blob/tcp  %.2f / %.2f%n"
                  + "cpu s/GB floor     %.2f (tcp + TLS records %.2f + SHA-256 %.2f);"
                  + " ratio bound %.3f%n"
                  + "tls                %s%n"
                  + "load average       %.2f .. %.2f%ngossip p50/p99 ms  %.2f / %.2f (%d nodes)%n",
              r.blobMBps(),
              r.tcpMBps(),
              r.ratio(),
              P2PBench.RATIO_GOAL,
              r.blobCpuSecondsPerGB(),
              r.tcpCpuSecondsPerGB(),
              r.floorCpuSecondsPerGB(),
              r.tlsRecordsCpuSecondsPerGB(),
              r.sha256CpuSecondsPerGB(),
              r.ratioBound(),
              r.tls(),
              r.loadAverageStart(),
              r.loadAverageEnd(),
              r.gossipP50Ms(),
              r.gossipP99Ms(),
              r.gossipNodes());
    }
    return 0;
  }
}
