package org.learnchain.node.devnet;

import com.google.gson.JsonObject;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.learnchain.config.Genesis;
import org.learnchain.config.GenesisJson;
import org.learnchain.config.HostPort;
import org.learnchain.config.Member;
import org.learnchain.config.ModelLimits;
import org.learnchain.config.NodeConfig;
import org.learnchain.config.Rewards;
import org.learnchain.config.Role;
import org.learnchain.config.RoundDurations;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.ProblemStatus;
import org.learnchain.ledger.SubmitProblem;
import org.learnchain.ledger.state.WorldState;
import org.learnchain.ml.MlRuntime;
import org.learnchain.node.LearnchainNode;
import org.learnchain.node.NodeListener;
import org.learnchain.node.NodeOptions;
import org.learnchain.node.api.ApiToken;
import org.learnchain.node.problem.BuiltinProblem;
import org.learnchain.node.problem.ProblemSubmitter;

/**
 * The sync benchmark ({@code learnchain bench sync}, docs/benchmarks.md): validators in this
 * process (RocksDB on disk, Netty p2p with TLS on 127.0.0.1, DL4J training) make a chain of at
 * least {@code blocks} blocks, {@code useful} of them useful-work blocks on a built-in problem, as
 * fast as the agreement allows (1 ms idle-block interval); then a late member that validates
 * nothing joins, connected to {@code peers} of them, and catches up. It reports the sync time
 * against the time the chain took to make the same blocks, and checks that the late node ends on
 * the validators' block and state root at the target height, every useful-work block's model re-run
 * on its side.
 */
public final class SyncBench {
  private static final long BALANCE = 1_000_000_000L;
  private static final long STAKE = 10_000L;
  private static final long BOUNTY = 10_000L;

  /**
   * @param blocks blocks the late node catches up (at least)
   * @param validators validators making the chain
   * @param peers validators the late node syncs from
   * @param useful useful-work blocks wanted in the chain
   * @param problem the built-in problem the useful-work rounds solve
   * @param dir where the nodes keep their data
   * @param maxChainMs give up making the chain after this long
   */
  public record Settings(
      int blocks,
      int validators,
      int peers,
      int useful,
      BuiltinProblem problem,
      Path dir,
      long maxChainMs) {
    public Settings {
      Objects.requireNonNull(problem, "problem");
      Objects.requireNonNull(dir, "dir");
      if (blocks < 1 || validators < 2 || peers < 1 || peers > validators || useful < 0) {
        throw new IllegalArgumentException(
            "needs blocks >= 1, validators >= 2, 1 <= peers <= validators, useful >= 0");
      }
    }
  }

  /**
   * What one run measured.
   *
   * @param blocks blocks the late node caught up (the validators' head when it joined)
   * @param usefulBlocks useful-work blocks among them
   * @param usefulReverified useful-work models the late node re-ran while catching up
   * @param syncSeconds from the late node's start to its head at the target height
   * @param chainSeconds the time the validators took to make those blocks
   * @param cpuSeconds CPU time of this process during the sync (validators included)
   * @param agreed whether the late node's block and recomputed state root at the target height are
   *     the validators'
   */
  public record Figures(
      int validators,
      int peers,
      long blocks,
      int usefulBlocks,
      int usefulReverified,
      double syncSeconds,
      double chainSeconds,
      double cpuSeconds,
      double loadStart,
      double loadEnd,
      boolean agreed) {
    public double blocksPerSecond() {
      return syncSeconds > 0 ? blocks / syncSeconds : 0;
    }

    /** Sync time over chain time: below 1 means catching up is faster than making the chain. */
    public double ratio() {
      return chainSeconds > 0 ? syncSeconds / chainSeconds : 0;
    }

    public String toJson() {
      JsonObject o = new JsonObject();
      o.addProperty("bench", "sync");
      o.addProperty("validators", validators);
      o.addProperty("peers", peers);
      o.addProperty("blocks", blocks);
      o.addProperty("usefulBlocks", usefulBlocks);
      o.addProperty("usefulReverified", usefulReverified);
      o.addProperty("syncSeconds", round3(syncSeconds));
      o.addProperty("blocksPerSecond", round3(blocksPerSecond()));
      o.addProperty("chainSeconds", round3(chainSeconds));
      o.addProperty("ratio", round3(ratio()));
      o.addProperty("cpuSeconds", round3(cpuSeconds));
      o.addProperty("loadAverageStart", round3(loadStart));
      o.addProperty("loadAverageEnd", round3(loadEnd));
      o.addProperty("agreed", agreed);
      return o.toString();
    }

    public String toText() {
      return String.format(
          Locale.ROOT,
          "blocks synced      %d (%d useful-work, %d models re-run by the late node)%n"
              + "sync               %.2f s (%.1f blocks/s) from %d of %d validators%n"
              + "chain              %.2f s to make the same blocks%n"
              + "ratio              %.3f (sync / chain)%n"
              + "cpu                %.1f s of this process during the sync%n"
              + "load average       %.2f -> %.2f%n"
              + "same head, state   %s%n",
          blocks,
          usefulBlocks,
          usefulReverified,
          syncSeconds,
          blocksPerSecond(),
          peers,
          validators,
          chainSeconds,
          ratio(),
          cpuSeconds,
          loadStart,
          loadEnd,
          agreed ? "yes" : "NO");
    }

    private static double round3(double v) {
      return Math.round(v * 1000) / 1000.0;
    }
  }

  private final Settings settings;
  private final MlRuntime ml;
  private final java.io.PrintWriter progress;
  private final List<PrivateKey> keys = new ArrayList<>();
  private final Genesis genesis;
  private final List<LearnchainNode> validators = new ArrayList<>();
  private final Set<Long> usefulHeights = ConcurrentHashMap.newKeySet();
  private final Set<Hash> reverified = ConcurrentHashMap.newKeySet();
  private final AtomicInteger submitted = new AtomicInteger();
  private final ExecutorService submissions =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "sync-bench-submit");
            t.setDaemon(true);
            return t;
          });
  private volatile String failure;
  private volatile boolean closing;
  private LearnchainNode late;

  public SyncBench(Settings settings, MlRuntime ml, java.io.PrintWriter progress, SecureRandom r) {
    this.settings = settings;
    this.ml = ml;
    this.progress = progress;
    List<Member> members = new ArrayList<>();
    for (int i = 0; i <= settings.validators(); i++) {
      PrivateKey k = PrivateKey.generate(r);
      keys.add(k);
      EnumSet<Role> roles;
      if (i == settings.validators()) {
        // The late node: a member (p2p admits members only) that neither validates nor mines.
        roles = EnumSet.of(Role.SUBMITTER);
      } else if (i == 0) {
        roles = EnumSet.of(Role.SUBMITTER, Role.VALIDATOR);
      } else {
        roles = EnumSet.of(Role.MINER, Role.VALIDATOR);
      }
      members.add(new Member(k.publicKey(), roles, BALANCE, STAKE));
    }
    RoundDurations p = settings.problem().rounds();
    this.genesis =
        new Genesis(
            "learnchain-syncbench",
            System.currentTimeMillis(),
            members,
            // The problem's phases for useful rounds; idle blocks as fast as agreement goes.
            new RoundDurations(p.trainingMs(), p.evaluationMs(), p.awardMs(), 1),
            Rewards.defaults(),
            Genesis.DEFAULT_PROBLEM_TTL_ROUNDS,
            Genesis.DEFAULT_VERIFICATION_TOLERANCE,
            ModelLimits.defaults(),
            Genesis.DEFAULT_UNBONDING_DELAY_ROUNDS);
  }

  /** Makes the chain, syncs the late node, and stops every node. */
  public Figures run() throws Exception {
    try {
      return measure();
    } finally {
      close();
    }
  }

  private Figures measure() throws Exception {
    GenesisJson.write(settings.dir().resolve("genesis.json"), genesis);
    for (int i = 0; i < settings.validators(); i++) {
      validators.add(startNode(i, List.of(), false));
    }
    awaitPeers(validators, settings.validators() - 1, Duration.ofSeconds(30));
    long chainStart = System.nanoTime();
    line("%d validators meshed; making %d blocks", validators.size(), settings.blocks());
    topUpProblems();
    LearnchainNode v0 = validators.get(0);
    long until = System.currentTimeMillis() + settings.maxChainMs();
    long lastLine = 0;
    while (v0.store().head().height() < settings.blocks()
        || usefulHeights.size() < settings.useful()) {
      if (failure != null) {
        throw new IllegalStateException(failure);
      }
      if (System.currentTimeMillis() > until) {
        throw new IllegalStateException(
            "the chain reached height "
                + v0.store().head().height()
                + " with "
                + usefulHeights.size()
                + " useful-work blocks in "
                + settings.maxChainMs() / 1000
                + " s");
      }
      if (System.currentTimeMillis() - lastLine > 5_000) {
        lastLine = System.currentTimeMillis();
        line(
            "chain at height %d, %d useful-work blocks",
            v0.store().head().height(), usefulHeights.size());
      }
      Thread.sleep(20);
    }
    double chainSeconds = (System.nanoTime() - chainStart) / 1e9;
    long target = v0.store().head().height();
    // The chain's own pace for exactly these blocks: from the mesh to the block at the target.
    line("chain made %d blocks in %.1f s; starting the late node", target, chainSeconds);

    double loadStart = loadAverage();
    long cpuStart = cpuNanos();
    long syncStart = System.nanoTime();
    List<HostPort> from = new ArrayList<>();
    for (int i = settings.validators() - settings.peers(); i < settings.validators(); i++) {
      from.add(hostPort(validators.get(i)));
    }
    late = startNode(settings.validators(), from, true);
    line("late node %s", late.publicKey().address().toHex().substring(0, 8));
    Hash want = v0.store().canonicalHash(target).orElseThrow();
    long lastLateLine = 0;
    long syncUntil = System.currentTimeMillis() + Math.max(120_000, settings.maxChainMs());
    while (late.store().head().height() < target) {
      if (System.currentTimeMillis() > syncUntil) {
        throw new IllegalStateException(
            "the late node reached only height " + late.store().head().height() + " of " + target);
      }
      if (System.currentTimeMillis() - lastLateLine > 2_000) {
        lastLateLine = System.currentTimeMillis();
        line(
            "late node at height %d of %d (%d peers)",
            late.store().head().height(), target, late.network().peers().size());
      }
      Thread.sleep(2);
    }
    double syncSeconds = (System.nanoTime() - syncStart) / 1e9;
    double cpuSeconds = (cpuNanos() - cpuStart) / 1e9;
    double loadEnd = loadAverage();
    boolean agreed = agreesAt(target, want);
    int usefulInChain = 0;
    for (long h : usefulHeights) {
      if (h <= target) {
        usefulInChain++;
      }
    }
    line("late node at height %d after %.2f s", late.store().head().height(), syncSeconds);
    return new Figures(
        settings.validators(),
        settings.peers(),
        target,
        usefulInChain,
        reverified.size(),
        syncSeconds,
        chainSeconds,
        cpuSeconds,
        loadStart,
        loadEnd,
        agreed);
  }

  /** The late node holds the validators' block at {@code target} and its own state matches. */
  private boolean agreesAt(long target, Hash want) throws InterruptedException {
    if (!late.store().canonicalHash(target).map(want::equals).orElse(false)) {
      return false;
    }
    // Its recomputed head state against the header the validators signed at that height.
    for (int i = 0; i < 100; i++) {
      Block head = late.store().head();
      Optional<Hash> theirs = validators.get(0).store().canonicalHash(head.height());
      if (theirs.map(head.hash()::equals).orElse(false)
          && late.store().headState().root().equals(head.header().stateRoot())) {
        return true;
      }
      Thread.sleep(10);
    }
    return false;
  }

  private LearnchainNode startNode(int i, List<HostPort> bootnodes, boolean isLate)
      throws Exception {
    Path dir = settings.dir().resolve(isLate ? "late" : "node" + i);
    Files.createDirectories(dir);
    List<HostPort> boot = new ArrayList<>(bootnodes);
    if (!isLate) {
      for (LearnchainNode n : validators) {
        boot.add(hostPort(n));
      }
    }
    NodeConfig config =
        LoopbackNodes.config(
            dir, settings.dir().resolve("genesis.json"), boot, NodeConfig.Explorer.OFF);
    ApiToken token = LoopbackNodes.newToken(config);
    LearnchainNode node =
        new LearnchainNode(
            config,
            genesis,
            keys.get(i),
            ml,
            new SimpleMeterRegistry(),
            token,
            NodeOptions.production().withGrpc(false).withShutdownHook(false));
    if (isLate) {
      // Only the chosen peers: the others stay off this node's peer list.
      for (int k = 0; k < settings.validators() - settings.peers(); k++) {
        node.network().deny(keys.get(k).publicKey());
      }
      node.events()
          .add(
              new NodeListener() {
                @Override
                public void modelVerified(Hash modelHash, Duration elapsed, String reason) {
                  if (reason.isEmpty()) {
                    reverified.add(modelHash);
                  }
                }
              });
    } else if (i == 0) {
      node.events()
          .add(
              new NodeListener() {
                @Override
                public void blockImported(Block block, boolean head) {
                  if (head && block.outcome() instanceof BlockOutcome.UsefulWork) {
                    usefulHeights.add(block.height());
                  }
                  if (head && usefulHeights.size() < settings.useful() && !closing) {
                    // Not on the consensus thread: storing a training set takes a while.
                    submissions.execute(SyncBench.this::topUpProblems);
                  }
                }
              });
    }
    node.start();
    return node;
  }

  /** Keeps a problem pending while useful-work blocks are still wanted (as the devnet does). */
  private void topUpProblems() {
    if (failure != null || usefulHeights.size() >= settings.useful() || validators.isEmpty()) {
      return;
    }
    LearnchainNode submitter = validators.get(0);
    WorldState state = submitter.store().headState();
    long pending =
        state.pendingProblems().stream().filter(p -> p.status() == ProblemStatus.PENDING).count();
    long queued =
        submitter.mempool().executable(state, 10_000, Long.MAX_VALUE).stream()
            .filter(tx -> tx.payload() instanceof SubmitProblem)
            .count();
    long want = Math.min(2, settings.useful() - usefulHeights.size());
    BuiltinProblem p = settings.problem();
    for (long n = pending + queued; n < want; n++) {
      int index = submitted.incrementAndGet();
      ProblemSubmitter.Outcome o =
          submitter.submitter().submit(p.spec(), p.train(), p.test(), BOUNTY - index);
      if (o instanceof ProblemSubmitter.Rejected r) {
        failure = "the submitter could not fund problem " + index + ": " + r.reason();
        return;
      }
    }
  }

  private static void awaitPeers(List<LearnchainNode> nodes, int want, Duration timeout)
      throws InterruptedException {
    long until = System.currentTimeMillis() + timeout.toMillis();
    while (System.currentTimeMillis() < until) {
      if (nodes.stream().allMatch(n -> n.network().peers().size() >= want)) {
        return;
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("the validators did not connect to each other in time");
  }

  private static HostPort hostPort(LearnchainNode n) {
    return new HostPort(n.p2pAddress().host(), n.p2pAddress().port());
  }

  private void close() {
    closing = true;
    submissions.shutdownNow();
    if (late != null) {
      late.stop();
    }
    for (int i = validators.size() - 1; i >= 0; i--) {
      validators.get(i).stop();
    }
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static long cpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  private void line(String format, Object... args) {
    synchronized (progress) {
      progress.printf(Locale.ROOT, format + "%n", args);
      progress.flush();
    }
  }
}
