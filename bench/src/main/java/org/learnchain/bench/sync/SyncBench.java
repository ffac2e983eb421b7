package org.learnchain.bench.sync;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.learnchain.bench.tx.BenchException;
import org.learnchain.bench.tx.LocalTestnet;
import org.learnchain.bench.tx.NodeProgram;
import org.learnchain.proto.api.BlockView;
import org.learnchain.proto.api.StatusReply;

/**
 * The sync benchmark ({@code learnchain bench sync}, docs/benchmarks.md), on node processes: {@code
 * testnet init} writes {@code validators} validators and one member that validates nothing (the
 * late node) with a 1 ms idle-block interval and iris's useful-work phases; the validators' {@code
 * learnchain node} processes make a chain of at least {@code blocks} blocks while node 0 funds
 * {@code useful} iris problems over gRPC ({@link ChainMaker}). Then the late node's process starts
 * with {@code peers} of the validators as its only bootnodes (the others on its deny list) and
 * catches up; the bench times it over gRPC against the time the chain took to make the same blocks,
 * and checks that it ends on the validators' block (and state root) at the target height. Every
 * process is stopped with SIGTERM at the end.
 */
public final class SyncBench {
  /** Iris's training, evaluation and award phases, and idle blocks as fast as agreement goes. */
  static final String ROUND_MS = "3000,2000,2000,1";

  /** Iris's round length: training, evaluation and award. */
  static final long USEFUL_ROUND_MS = 7_000;

  /**
   * @param blocks blocks the late node catches up (at least)
   * @param validators validators making the chain
   * @param peers validators the late node syncs from
   * @param useful useful-work blocks wanted in the chain
   * @param dir where the nodes keep their data and logs
   * @param maxChainMs give up making the chain after this long
   * @param javaOptions JVM options of every node process
   * @param env the environment the node processes get (it holds LEARNCHAIN_PASSWORD)
   * @param program the node program: {@code testnet init} in-process, and its main class
   * @param progress where progress lines go
   */
  public record Settings(
      int blocks,
      int validators,
      int peers,
      int useful,
      Path dir,
      long maxChainMs,
      List<String> javaOptions,
      Map<String, String> env,
      NodeProgram program,
      PrintWriter progress) {
    public Settings {
      Objects.requireNonNull(dir, "dir");
      Objects.requireNonNull(program, "program");
      Objects.requireNonNull(progress, "progress");
      if (blocks < 1 || validators < 2 || peers < 1 || peers > validators || useful < 0) {
        throw new IllegalArgumentException(
            "needs blocks >= 1, validators >= 2, 1 <= peers <= validators, useful >= 0");
      }
    }

    /** The default give-up time for making a chain of {@code blocks} with {@code useful}. */
    public static long defaultMaxChainMs(int blocks, int useful) {
      return 120_000 + 4L * useful * USEFUL_ROUND_MS + 100L * blocks;
    }
  }

  private final Settings settings;

  private SyncBench(Settings settings) {
    this.settings = settings;
  }

  /** Makes the chain, syncs the late node, and stops every node process. */
  public static SyncFigures run(Settings settings) throws BenchException {
    return new SyncBench(settings).measure();
  }

  private SyncFigures measure() throws BenchException {
    int v = settings.validators();
    Map<String, String> env = new HashMap<>(settings.env());
    env.put("LEARNCHAIN_EXPLORER_ENABLED", "false");
    LocalTestnet.Spec spec =
        new LocalTestnet.Spec(
            settings.dir(),
            v + 1,
            0,
            ROUND_MS,
            settings.javaOptions(),
            Map.copyOf(env),
            settings.program());
    try (LocalTestnet net =
        LocalTestnet.init(spec, List.of("--validators", Integer.toString(v), "--json"))) {
      List<String> validatorP2p = new ArrayList<>();
      for (int i = 0; i < v; i++) {
        validatorP2p.add(net.p2p(i));
      }
      // Each validator dials the other validators only: the late node is nobody's bootnode.
      for (int i = 0; i < v; i++) {
        List<String> others = new ArrayList<>(validatorP2p);
        others.remove(i);
        net.startNode(i, Map.of("LEARNCHAIN_P2P_BOOTNODES", String.join(",", others)));
      }
      net.awaitMesh(v, 120_000);
      List<NodeClient> clients = new ArrayList<>();
      try {
        for (int i = 0; i <= v; i++) {
          clients.add(new NodeClient(net.grpc(i), net.metrics(i), net.tokenFile(i)));
        }
        return measure(net, clients, validatorP2p);
      } finally {
        clients.forEach(NodeClient::close);
      }
    } catch (StatusRuntimeException e) {
      throw new BenchException("a node's API: " + e.getStatus());
    }
  }

  private SyncFigures measure(LocalTestnet net, List<NodeClient> clients, List<String> p2p)
      throws BenchException {
    int v = settings.validators();
    NodeClient v0 = clients.get(0);
    line("%d validator processes meshed; making %d blocks", v, settings.blocks());
    long chainStart = System.nanoTime();
    ChainMaker chain =
        new ChainMaker(v0, settings.useful(), IrisFiles.load(), settings.progress(), net);
    long target = chain.makeUntil(settings.blocks(), settings.maxChainMs());
    double chainSeconds = (System.nanoTime() - chainStart) / 1e9;
    line("chain made %d blocks in %.1f s; starting the late node", target, chainSeconds);
    BlockView want = v0.block(target);

    // The validators the late node must not sync from deny it before it starts (they would learn
    // its address from the others' peer lists and dial it), and it denies them once its API is up.
    ByteString lateKey = publicKey(net.initOutput(), v);
    List<ByteString> denied = new ArrayList<>();
    for (int i = 0; i < v - settings.peers(); i++) {
      clients.get(i).deny(lateKey);
      ByteString address = clients.get(i).status().getNodeAddress();
      Optional<ByteString> key = clients.get(v - 1).peerKey(address);
      if (key.isEmpty()) {
        throw new BenchException("validator " + i + " is not a peer of validator " + (v - 1));
      }
      denied.add(key.get());
    }
    NodeClient late = clients.get(v);
    double loadStart = loadAverage();
    long syncStart = System.nanoTime();
    net.startNode(
        v,
        Map.of("LEARNCHAIN_P2P_BOOTNODES", String.join(",", p2p.subList(v - settings.peers(), v))));
    long until = System.currentTimeMillis() + Math.max(120_000, settings.maxChainMs());
    // The late node syncs from the moment its p2p port is up; its JVM start comes before that.
    while (!NodeClient.listening(net.p2p(v))) {
      checkAlive(net, v, until, "listen");
      sleep(5);
    }
    long p2pUp = System.nanoTime();
    double startupSeconds = (p2pUp - syncStart) / 1e9;
    Optional<StatusReply> first = Optional.empty();
    while (first.isEmpty()) {
      checkAlive(net, v, until, "answer");
      first = late.statusIfUp();
      if (first.isEmpty()) {
        sleep(5);
      }
    }
    for (ByteString key : denied) {
      late.deny(key);
    }
    // The API starts after p2p: when it first answers past the target, the sync ended earlier and
    // syncSeconds is an upper bound.
    boolean boundedByApi = first.get().getHeight() >= target;
    line(
        "late node listens after %.2f s, answers after %.2f s at height %d; %d validator(s) denied",
        startupSeconds,
        (System.nanoTime() - syncStart) / 1e9,
        first.get().getHeight(),
        denied.size());
    long lastLine = System.currentTimeMillis();
    StatusReply s = first.get();
    while (s.getHeight() < target) {
      checkAlive(net, v, until, "reach height " + target);
      if (System.currentTimeMillis() - lastLine > 2_000) {
        lastLine = System.currentTimeMillis();
        line("late node at height %d of %d (%d peers)", s.getHeight(), target, s.getPeers());
      }
      sleep(5);
      s = late.status();
    }
    double syncSeconds = (System.nanoTime() - p2pUp) / 1e9;
    double cpuSeconds =
        net.process(v).info().totalCpuDuration().map(Duration::toNanos).orElse(0L) / 1e9;
    double loadEnd = loadAverage();
    BlockView got = late.block(target);
    boolean agreed =
        got.getHash().equals(want.getHash()) && got.getStateRoot().equals(want.getStateRoot());
    // Every model the late node re-ran: one timer sample each, failures counted apart.
    double verified =
        late.metric("ml_verification_seconds_count")
            - late.metric("ml_verification_failures_total");
    line("late node at height %d after %.2f s", s.getHeight(), syncSeconds);
    return new SyncFigures(
        v,
        settings.peers(),
        target,
        chain.usefulUpTo(target),
        (int) Math.round(verified),
        syncSeconds,
        boundedByApi,
        startupSeconds,
        chainSeconds,
        cpuSeconds,
        loadStart,
        loadEnd,
        agreed);
  }

  /** Node {@code i}'s public key from {@code testnet init --json}'s output. */
  private static ByteString publicKey(String initJson, int i) throws BenchException {
    try {
      JsonObject node =
          JsonParser.parseString(initJson)
              .getAsJsonObject()
              .getAsJsonArray("nodes")
              .get(i)
              .getAsJsonObject();
      return ByteString.copyFrom(HexFormat.of().parseHex(node.get("publicKey").getAsString()));
    } catch (RuntimeException e) {
      throw new BenchException("testnet init printed no public key for node " + i);
    }
  }

  private static void checkAlive(LocalTestnet net, int i, long until, String what)
      throws BenchException {
    if (!net.alive(i)) {
      throw new BenchException(
          "the late node exited; see " + net.dir().resolve("node" + i).resolve("node.log"));
    }
    if (System.currentTimeMillis() > until) {
      throw new BenchException("the late node did not " + what + " in time");
    }
  }

  static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  static void sleep(long ms) throws BenchException {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted");
    }
  }

  private void line(String format, Object... args) {
    PrintWriter p = settings.progress();
    synchronized (p) {
      p.printf(Locale.ROOT, "bench sync: " + format + "%n", args);
      p.flush();
    }
  }
}
