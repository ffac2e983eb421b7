package org.learnchain.node.cli.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.learnchain.bench.tx.BenchException;
import org.learnchain.bench.tx.LocalTestnet;
import org.learnchain.bench.tx.TxBench;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.node.cli.common.CliResult;
import org.learnchain.node.cli.common.ExitCodes;
import org.learnchain.node.cli.common.Passwords;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code learnchain bench tx}: sustained signed-transfer throughput of a running network through
 * one node's API ({@code --node} with a funded member's {@code --key}), or of a multi-process
 * testnet the command starts itself ({@code --testnet}).
 */
@Command(
    name = "tx",
    description = {
      "Send signed transfers at an open-loop --rate for --duration seconds to",
      "--node and report committed transfers/s, commit latency p50/p99 (submission",
      "to block; also to finality), lost transfers (acknowledged, in no block after",
      "--grace), refusals by reason, and each node's memory at start and end. Load",
      "is spread over --accounts fresh accounts that the --key member funds first",
      "(untimed). With --testnet the command starts a testnet of --nodes separate",
      "node processes on loopback itself, funds from node 0 and stops it at the end",
      "(data and logs stay in --dir when given)."
    })
public final class BenchTxCommand implements Callable<Integer> {
  private final CliContext ctx;
  private final CommandRunner cli;

  /** Runs a {@code learnchain} command line in-process; returns its exit code. */
  @FunctionalInterface
  public interface CommandRunner {
    int run(CliContext ctx, String... args);
  }

  @Option(names = "--node", paramLabel = "HOST:PORT", description = "the node to send to")
  private String node;

  @Option(names = "--key", paramLabel = "FILE", description = "a funded member's keystore")
  private Path keyFile;

  @Option(names = "--password-file", paramLabel = "FILE", description = "keystore password file")
  private Path passwordFile;

  @Option(
      names = "--rate",
      required = true,
      paramLabel = "R",
      description = "transfers per second offered")
  private double rate;

  @Option(names = "--duration", required = true, paramLabel = "S", description = "seconds of load")
  private long durationSeconds;

  @Option(
      names = "--accounts",
      paramLabel = "N",
      description = "sending accounts (default: rate/2, at least 8, at most 2000)")
  private Integer accounts;

  @Option(
      names = "--grace",
      paramLabel = "S",
      defaultValue = "30",
      description = "seconds to wait for acknowledged transfers after the window (default 30)")
  private long graceSeconds;

  @Option(
      names = "--warmup",
      paramLabel = "S",
      defaultValue = "30",
      description =
          "seconds of load before the window, its rate rising from 0 to --rate, left out of the"
              + " figures (default ${DEFAULT-VALUE})")
  private long warmupSeconds;

  @Option(
      names = "--memory-every",
      paramLabel = "S",
      defaultValue = "30",
      description = "seconds between memory samples of each node (default 30)")
  private long memoryEverySeconds;

  @Option(
      names = "--memory-nodes",
      paramLabel = "HOST:PORT",
      split = ",",
      description = "more nodes whose memory is reported (the target always is)")
  private List<String> memoryNodes = new ArrayList<>();

  @Option(
      names = "--batch",
      paramLabel = "N",
      defaultValue = "100",
      description =
          "transfers per SubmitTransactions call, 1..1000; 1 sends one SubmitTransaction call"
              + " per transfer (default ${DEFAULT-VALUE})")
  private int batch;

  @Option(names = "--testnet", description = "start a multi-process testnet and bench it")
  private boolean testnet;

  @Option(
      names = "--nodes",
      paramLabel = "N",
      defaultValue = "4",
      description = "--testnet: nodes (default 4)")
  private int nodes;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "--testnet: directory for the nodes (default: a temporary one, removed)")
  private Path dir;

  @Option(
      names = "--round-ms",
      paramLabel = "T,E,A,I",
      defaultValue = "30000,10000,10000,1000",
      description = "--testnet: round durations in genesis (default ${DEFAULT-VALUE})")
  private String roundMs;

  @Option(
      names = "--node-java-opts",
      paramLabel = "OPTS",
      defaultValue = "",
      description = "--testnet: JVM options for each node, space separated")
  private String nodeJavaOpts;

  @Option(names = "--quiet", description = "no progress lines on stderr")
  private boolean quiet;

  @Option(names = "--json", description = "print one JSON object")
  private boolean json;

  public BenchTxCommand(CliContext ctx, CommandRunner cli) {
    this.ctx = ctx;
    this.cli = cli;
  }

  @Override
  public Integer call() throws IOException {
    if (!(rate > 0)
        || durationSeconds < 1
        || graceSeconds < 0
        || warmupSeconds < 0
        || memoryEverySeconds < 1
        || nodes < 1
        || nodes > 16
        || batch < 1
        || batch > TxBench.MAX_BATCH) {
      return usage(
          "--rate, --duration and --memory-every must be positive, --grace and --warmup >= 0,"
              + " --nodes 1..16, --batch 1.."
              + TxBench.MAX_BATCH);
    }
    int n = accounts != null ? accounts : (int) Math.min(2000, Math.max(8, Math.ceil(rate / 2)));
    if (n < 1) {
      return usage("--accounts must be at least 1");
    }
    if (testnet) {
      if (node != null || keyFile != null) {
        return usage("--testnet starts its own nodes; leave out --node and --key");
      }
      return runOnTestnet(n);
    }
    if (node == null || keyFile == null) {
      return usage("give --node and --key (a funded member), or --testnet");
    }
    CliResult<PrivateKey> key = Passwords.unlock(keyFile, passwordFile, ctx.env());
    if (!key.isOk()) {
      return fail(key.error());
    }
    LinkedHashSet<String> mem = new LinkedHashSet<>();
    mem.add(node);
    mem.addAll(memoryNodes);
    try {
      return bench(node, new ArrayList<>(mem), Map.of(), n, key.value());
    } finally {
      key.value().destroy();
    }
  }

  private int runOnTestnet(int n) throws IOException {
    boolean temporary = dir == null;
    Path d = temporary ? Files.createTempDirectory("learnchain-bench-tx") : dir;
    char[] pw = new char[24];
    String alphabet = "abcdefghijkmnopqrstuvwxyz23456789";
    for (int i = 0; i < pw.length; i++) {
      pw[i] = alphabet.charAt(ctx.random().nextInt(alphabet.length()));
    }
    Map<String, String> env = new HashMap<>(ctx.env());
    env.put(Passwords.ENV_VAR, new String(pw));
    Arrays.fill(pw, '\0');
    List<String> javaOpts =
        nodeJavaOpts.isBlank() ? List.of() : Arrays.asList(nodeJavaOpts.trim().split("\\s+"));
    progress("starting %d nodes in %s", nodes, d);
    boolean ok = false;
    try (LocalTestnet net =
        LocalTestnet.start(
            new LocalTestnet.Spec(
                d, nodes, 0, roundMs, javaOpts, Map.copyOf(env), new CliNodeProgram(ctx, cli)))) {
      CliResult<PrivateKey> key = Passwords.unlock(net.keyFile(0), null, env);
      if (!key.isOk()) {
        return fail(key.error());
      }
      try {
        Map<String, ProcessHandle> processes = new LinkedHashMap<>();
        for (int i = 0; i < nodes; i++) {
          processes.put(net.grpc(i), net.process(i));
        }
        int code = bench(net.grpc(0), net.grpcAll(), processes, n, key.value());
        ok = code == 0;
        return code;
      } finally {
        key.value().destroy();
      }
    } catch (BenchException e) {
      return fail(e.getMessage() + " (node logs in " + d + ")");
    } finally {
      if (temporary && ok) {
        deleteTree(d);
      } else if (!ok) {
        progress("node data and logs kept in %s", d);
      }
    }
  }

  private int bench(
      String target,
      List<String> mem,
      Map<String, ProcessHandle> processes,
      int n,
      PrivateKey key) {
    TxBench.Result r;
    try {
      r =
          TxBench.run(
              new TxBench.Options(
                  target,
                  mem,
                  processes,
                  rate,
                  Duration.ofSeconds(durationSeconds),
                  n,
                  Duration.ofSeconds(warmupSeconds),
                  Duration.ofSeconds(graceSeconds),
                  Duration.ofSeconds(memoryEverySeconds),
                  quiet ? null : ctx.err(),
                  batch),
              key);
    } catch (BenchException e) {
      return fail(e.getMessage());
    }
    if (json) {
      ctx.out().println(toJson(r));
    } else {
      print(r);
    }
    if (r.aborted() != null) {
      return fail("aborted: " + r.aborted() + " (the figures above are those measured until then)");
    }
    return 0;
  }

  /** The result as one JSON object; {@code tps}, {@code p50Ms}, {@code p99Ms}, {@code lost}. */
  public static JsonObject toJson(TxBench.Result r) {
    JsonObject o = new JsonObject();
    o.addProperty("rate", r.rate());
    o.addProperty("mode", r.mode());
    o.addProperty("batch", r.batch());
    if (r.aborted() != null) {
      o.addProperty("aborted", r.aborted());
    }
    o.addProperty("durationSeconds", r.durationSeconds());
    o.addProperty("accounts", r.accounts());
    number(o, "tps", r.tps());
    number(o, "windowTps", r.windowTps());
    number(o, "p50Ms", r.p50Ms());
    number(o, "p99Ms", r.p99Ms());
    number(o, "maxMs", r.maxMs());
    number(o, "finalizedP50Ms", r.finalP50Ms());
    number(o, "finalizedP99Ms", r.finalP99Ms());
    o.addProperty("sent", r.sent());
    o.addProperty("acked", r.acked());
    o.addProperty("committed", r.committed());
    o.addProperty("lost", r.lost());
    o.addProperty("stranded", r.stranded());
    o.addProperty("duplicates", r.duplicates());
    JsonObject rejected = new JsonObject();
    r.rejected().forEach(rejected::addProperty);
    o.add("rejected", rejected);
    JsonObject retried = new JsonObject();
    r.retried().forEach(retried::addProperty);
    o.add("retried", retried);
    o.addProperty("retriedTotal", r.retried().values().stream().mapToLong(Long::longValue).sum());
    o.addProperty("startHeight", r.startHeight());
    o.addProperty("endHeight", r.endHeight());
    o.add("loadAverageStart", array(r.loadAverageStart()));
    o.add("loadAverageEnd", array(r.loadAverageEnd()));
    JsonArray mem = new JsonArray();
    for (TxBench.NodeMemory m : r.memory()) {
      JsonObject n = new JsonObject();
      n.addProperty("node", m.node());
      n.addProperty("heapAfterGcStartBytes", m.start().heapAfterGc());
      n.addProperty("heapAfterGcEndBytes", m.end().heapAfterGc());
      n.addProperty("heapUsedStartBytes", m.start().heapUsed());
      n.addProperty("heapUsedEndBytes", m.end().heapUsed());
      n.addProperty("heapMaxBytes", m.end().heapMax());
      n.addProperty("rssStartBytes", m.start().rss());
      n.addProperty("rssEndBytes", m.end().rss());
      n.addProperty("gcCount", m.end().gcCount() - m.start().gcCount());
      JsonArray heap = new JsonArray();
      JsonArray rss = new JsonArray();
      for (TxBench.Resources s : m.samples()) {
        heap.add(s.heapAfterGc() >> 20);
        rss.add(s.rss() >> 20);
      }
      n.add("heapAfterGcMiBSamples", heap);
      n.add("rssMiBSamples", rss);
      mem.add(n);
    }
    o.add("memory", mem);
    o.addProperty("cpuMsPerTransferPerNode", millis(r.cpuMsPerTransferPerNode()));
    JsonArray cpu = new JsonArray();
    for (TxBench.NodeCpu c : r.cpu()) {
      JsonObject n = new JsonObject();
      n.addProperty("node", c.node());
      n.addProperty("cpuSeconds", Math.round(c.cpuSeconds() * 10) / 10.0);
      n.addProperty("msPerTransfer", millis(c.msPerTransfer()));
      cpu.add(n);
    }
    o.add("cpu", cpu);
    o.addProperty("clientCpuMsPerTransfer", millis(r.clientCpuMsPerTransfer()));
    return o;
  }

  private void print(TxBench.Result r) {
    var out = ctx.out();
    out.printf(
        Locale.ROOT,
        "offered            %.0f/s for %.0f s over %d accounts%n",
        r.rate(),
        r.durationSeconds(),
        r.accounts());
    out.printf(Locale.ROOT, "committed tps      %.1f (in window %.1f)%n", r.tps(), r.windowTps());
    out.printf(
        Locale.ROOT,
        "latency p50/p99    %.0f / %.0f ms to a block, %.0f / %.0f ms to finality%n",
        r.p50Ms(),
        r.p99Ms(),
        r.finalP50Ms(),
        r.finalP99Ms());
    out.printf(
        Locale.ROOT,
        "sent/acked/in      %d / %d / %d, lost %d, stranded %d, duplicates %d%n",
        r.sent(),
        r.acked(),
        r.committed(),
        r.lost(),
        r.stranded(),
        r.duplicates());
    out.println("rejected           " + (r.rejected().isEmpty() ? "none" : r.rejected()));
    out.println(
        "pushed back, resent "
            + (r.retried().isEmpty() ? "none" : r.retried())
            + " ("
            + r.mode()
            + (r.batch() > 1 ? " of up to " + r.batch() : "")
            + " submission)");
    if (r.aborted() != null) {
      out.println("aborted            " + r.aborted());
    }
    out.printf(
        Locale.ROOT,
        "blocks             %d..%d%nload average       %s -> %s%n",
        r.startHeight(),
        r.endHeight(),
        Arrays.toString(r.loadAverageStart()),
        Arrays.toString(r.loadAverageEnd()));
    for (TxBench.NodeCpu c : r.cpu()) {
      out.printf(
          Locale.ROOT,
          "cpu %-24s %.1f s, %.3f ms per transfer%n",
          c.node(),
          c.cpuSeconds(),
          c.msPerTransfer());
    }
    if (!Double.isNaN(r.clientCpuMsPerTransfer())) {
      out.printf(
          Locale.ROOT,
          "cpu bench client         %.3f ms per transfer%n",
          r.clientCpuMsPerTransfer());
    }
    for (TxBench.NodeMemory m : r.memory()) {
      out.printf(
          Locale.ROOT,
          "memory %-21s heap after GC %d -> %d MiB, RSS %d -> %d MiB%n",
          m.node(),
          m.start().heapAfterGc() >> 20,
          m.end().heapAfterGc() >> 20,
          m.start().rss() >> 20,
          m.end().rss() >> 20);
    }
  }

  private static JsonArray array(double[] values) {
    JsonArray a = new JsonArray();
    for (double v : values) {
      a.add(v);
    }
    return a;
  }

  /** CPU milliseconds to three decimals; null where unknown. */
  private static Number millis(double v) {
    return Double.isNaN(v) ? null : (Number) (Math.round(v * 1000) / 1000.0);
  }

  /** One decimal; null where there is no figure (no transfer reached finality, say). */
  private static void number(JsonObject o, String name, double v) {
    o.addProperty(name, Double.isNaN(v) ? null : (Number) (Math.round(v * 10) / 10.0));
  }

  private void progress(String format, Object... args) {
    if (!quiet) {
      ctx.err().printf(Locale.ROOT, "bench tx: " + format + "%n", args);
      ctx.err().flush();
    }
  }

  private static void deleteTree(Path d) throws IOException {
    try (var paths = Files.walk(d)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private int fail(String reason) {
    ctx.err().println("error: " + reason);
    return ExitCodes.FAILURE;
  }

  private int usage(String reason) {
    ctx.err().println("error: " + reason);
    return ExitCodes.USAGE;
  }
}
