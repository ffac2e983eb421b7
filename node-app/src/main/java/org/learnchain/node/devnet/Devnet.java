package org.learnchain.node.devnet;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.learnchain.config.Genesis;
import org.learnchain.config.GenesisJson;
import org.learnchain.config.HostPort;
import org.learnchain.config.Member;
import org.learnchain.config.ModelLimits;
import org.learnchain.config.NodeConfig;
import org.learnchain.config.Rewards;
import org.learnchain.config.Role;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ml.MlRuntime;
import org.learnchain.ml.infer.Predictor;
import org.learnchain.ml.train.ProgressListener;
import org.learnchain.ml.train.SearchPlan;
import org.learnchain.ml.train.Trainer;
import org.learnchain.ml.train.TrainingRequest;
import org.learnchain.node.LearnchainNode;
import org.learnchain.node.NodeListener;
import org.learnchain.node.NodeOptions;
import org.learnchain.node.api.ApiToken;
import org.learnchain.node.problem.BuiltinProblem;
import org.learnchain.node.status.BlockSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole network in one process: {@code n} full nodes ({@link LearnchainNode}: RocksDB, Netty p2p
 * on 127.0.0.1 ephemeral ports, DL4J training) with a fresh genesis in which node 0 is the
 * submitter and every other node a miner, all validators. Node 0 funds the built-in problem (one
 * per round wanted), the miners train, and every node verifies every block. Progress lines (phase,
 * time left, commits, best validation score, blocks) go to the given writer as they happen.
 */
public final class Devnet implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Devnet.class);
  static final long BALANCE = 1_000_000_000L;
  static final long STAKE = 10_000L;

  /**
   * @param nodes how many nodes (at least 2: a submitter and a miner)
   * @param rounds useful-work blocks to wait for; 0 runs until {@link #requestStop()}
   * @param dir where the nodes keep their data (node0, node1, ...) and genesis.json
   * @param maxRunMs give up when the blocks have not come after this long
   * @param explorerPort node 0's web explorer port (0: any free port)
   */
  public record Settings(
      int nodes, int rounds, BuiltinProblem problem, Path dir, long maxRunMs, int explorerPort) {
    /** Settings whose explorer takes any free port. */
    public Settings(int nodes, int rounds, BuiltinProblem problem, Path dir, long maxRunMs) {
      this(nodes, rounds, problem, dir, maxRunMs, 0);
    }

    public Settings {
      Objects.requireNonNull(problem, "problem");
      Objects.requireNonNull(dir, "dir");
      if (nodes < 2 || rounds < 0) {
        throw new IllegalArgumentException("a devnet needs 2 or more nodes and rounds >= 0");
      }
    }
  }

  private final Settings settings;
  private final MlRuntime ml;
  private final DevnetLog log;
  private final ProblemFeed feed;
  private final Genesis genesis;
  private final List<PrivateKey> keys = new ArrayList<>();
  private final List<LearnchainNode> nodes = new ArrayList<>();
  private final ExecutorService submissions =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "devnet-submit");
            t.setDaemon(true);
            return t;
          });
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final Map<Long, BlockSummary> useful = new ConcurrentHashMap<>();
  private final Map<String, NodeListener.TrainingSummary> trained = new ConcurrentHashMap<>();
  private final long startedAtMs = System.currentTimeMillis();
  private volatile String failure;

  public Devnet(Settings settings, MlRuntime ml, PrintWriter progress, SecureRandom random) {
    this.settings = settings;
    this.ml = ml;
    this.log = new DevnetLog(progress, startedAtMs);
    this.feed = new ProblemFeed(settings.problem(), log, this::fail);
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < settings.nodes(); i++) {
      PrivateKey k = PrivateKey.generate(random);
      keys.add(k);
      EnumSet<Role> roles =
          i == 0
              ? EnumSet.of(Role.SUBMITTER, Role.VALIDATOR)
              : EnumSet.of(Role.MINER, Role.VALIDATOR);
      members.add(new Member(k.publicKey(), roles, BALANCE, STAKE));
    }
    this.genesis =
        new Genesis(
            "learnchain-devnet",
            System.currentTimeMillis(),
            members,
            settings.problem().rounds(),
            Rewards.defaults(),
            Genesis.DEFAULT_PROBLEM_TTL_ROUNDS,
            Genesis.DEFAULT_VERIFICATION_TOLERANCE,
            ModelLimits.defaults(),
            Genesis.DEFAULT_UNBONDING_DELAY_ROUNDS);
  }

  public Genesis genesis() {
    return genesis;
  }

  /** The running nodes, node 0 (the submitter) first. */
  public List<LearnchainNode> nodes() {
    return List.copyOf(nodes);
  }

  /** Ends an unbounded run (or a bounded one early); {@link #run()} then returns its report. */
  public void requestStop() {
    stopRequested.countDown();
  }

  /**
   * Starts the nodes, funds the problems, waits for the useful-work blocks and for every node to
   * agree on the head, and returns the summary. The nodes keep running until {@link #close()}.
   *
   * @throws DevnetException when the blocks do not come in time or the nodes never agree
   */
  public DevnetReport run() throws Exception {
    GenesisJson.write(settings.dir().resolve("genesis.json"), genesis);
    warmUp();
    for (int i = 0; i < settings.nodes(); i++) {
      startNode(i);
    }
    log.line(
        "devnet: %d nodes on 127.0.0.1 (p2p %s), dataset %s (%d training / %d test samples), data in %s",
        nodes.size(),
        String.join(",", nodes.stream().map(n -> Integer.toString(n.p2pAddress().port())).toList()),
        settings.problem().name(),
        settings.problem().train().count(),
        settings.problem().test().count(),
        settings.dir());
    log.line(
        "round phases: training %.1f s, evaluation %.1f s, award %.1f s",
        genesis.rounds().trainingMs() / 1000.0,
        genesis.rounds().evaluationMs() / 1000.0,
        genesis.rounds().awardMs() / 1000.0);
    nodes
        .get(0)
        .apiPort()
        .ifPresent(
            port ->
                log.line(
                    "node0 API on 127.0.0.1:%d (token %s), e.g. learnchain admin status --node 127.0.0.1:%d",
                    port, nodes.get(0).config().apiTokenFile(), port));
    nodes
        .get(0)
        .explorerAddress()
        .ifPresent(a -> log.line("explorer: open http://%s/ to watch the rounds live", a));
    awaitMesh(Duration.ofSeconds(20));
    topUpProblems();
    ProgressTicker ticker = new ProgressTicker(nodes, this::nodeOf, log);
    Thread tickerThread = new Thread(ticker, "devnet-progress");
    tickerThread.setDaemon(true);
    tickerThread.start();
    try {
      waitForBlocks();
    } finally {
      ticker.stop();
      tickerThread.join(2_000);
    }
    if (failure != null) {
      log.finish();
      throw new DevnetException(failure);
    }
    DevnetReport report = summarize();
    log.finish();
    return report;
  }

  /**
   * Trains one tiny model before the nodes start: the first search in a JVM pays for loading and
   * compiling DL4J's code paths, which would otherwise eat the first round's training budget.
   */
  private void warmUp() {
    BuiltinProblem p = settings.problem();
    int n = Math.min(200, p.train().count());
    int[] rows = new int[n];
    for (int i = 0; i < n; i++) {
      rows[i] = i;
    }
    long t0 = System.nanoTime();
    org.learnchain.ml.Result<org.learnchain.ml.train.TrainedModel> r =
        new Trainer(ml, ProgressListener.none())
            .train(
                new TrainingRequest(
                    p.spec(),
                    p.train().select(rows),
                    Duration.ofSeconds(2),
                    1,
                    1,
                    SearchPlan.defaults().withMaxCandidates(1).withMaxEpochs(2)));
    if (r.isOk()) {
      Predictor.predict(r.value().model(), p.test().inputs());
    }
    log.line("ML engine warmed up in %.1f s", (System.nanoTime() - t0) / 1e9);
  }

  private void startNode(int i) throws Exception {
    Path dir = settings.dir().resolve("node" + i);
    List<HostPort> bootnodes =
        nodes.stream()
            .map(n -> new HostPort(n.p2pAddress().host(), n.p2pAddress().port()))
            .toList();
    // Node 0's explorer shows the round; one is enough for the whole devnet.
    NodeConfig config =
        LoopbackNodes.config(
            dir,
            settings.dir().resolve("genesis.json"),
            bootnodes,
            i == 0
                ? new NodeConfig.Explorer(true, "127.0.0.1", settings.explorerPort())
                : NodeConfig.Explorer.OFF);
    NodeOptions options = NodeOptions.production().withGrpc(false).withShutdownHook(false);
    Files.createDirectories(dir);
    ApiToken token = LoopbackNodes.newToken(config);
    LearnchainNode node =
        new LearnchainNode(
            config, genesis, keys.get(i), ml, new SimpleMeterRegistry(), token, options);
    node.events().add(i == 0 ? new SubmitterEvents() : new MinerEvents(i));
    nodes.add(node);
    node.start();
  }

  private void awaitMesh(Duration timeout) throws InterruptedException {
    long until = System.currentTimeMillis() + timeout.toMillis();
    int want = nodes.size() - 1;
    while (System.currentTimeMillis() < until) {
      if (nodes.stream().allMatch(n -> n.network().peers().size() >= want)) {
        log.line("all %d nodes connected", nodes.size());
        return;
      }
      Thread.sleep(50);
    }
    // Not fatal: gossip floods through partial meshes; the round just may start with fewer peers.
    log.line(
        "warning: not every node connected to every other within %d s (peers: %s)",
        timeout.toSeconds(),
        String.join(
            ",", nodes.stream().map(n -> Integer.toString(n.network().peers().size())).toList()));
  }

  /**
   * Tops up node 0's problems while more useful-work blocks are wanted (see {@link ProblemFeed}).
   */
  private void topUpProblems() {
    if (failure != null || (settings.rounds() > 0 && useful.size() >= settings.rounds())) {
      return;
    }
    feed.topUp(nodes.get(0));
  }

  private void fail(String why) {
    failure = why;
    stopRequested.countDown();
  }

  private void waitForBlocks() throws InterruptedException {
    long until = settings.maxRunMs() > 0 ? startedAtMs + settings.maxRunMs() : Long.MAX_VALUE;
    while (failure == null) {
      if (settings.rounds() > 0 && useful.size() >= settings.rounds()) {
        return;
      }
      long left = until - System.currentTimeMillis();
      if (left <= 0) {
        failure =
            "only "
                + useful.size()
                + " of "
                + settings.rounds()
                + " useful-work blocks after "
                + settings.maxRunMs() / 1000
                + " s";
        return;
      }
      if (stopRequested.await(Math.min(left, 100), TimeUnit.MILLISECONDS)) {
        return;
      }
    }
  }

  /** Waits for one head on every node, then describes the useful blocks below it. */
  private DevnetReport summarize() throws InterruptedException {
    long until = System.currentTimeMillis() + 20_000;
    boolean agreed = false;
    Block head = nodes.get(0).store().head();
    while (System.currentTimeMillis() < until) {
      head = nodes.get(0).store().head();
      Hash h = head.hash();
      Hash root = head.header().stateRoot();
      // Each node's own recomputed state, not only the root its copy of the header claims.
      agreed =
          nodes.stream()
              .allMatch(
                  n ->
                      n.store().head().hash().equals(h)
                          && n.store().headState().root().equals(root));
      if (agreed) {
        break;
      }
      Thread.sleep(20);
    }
    List<DevnetReport.UsefulBlock> blocks = new ArrayList<>();
    LearnchainNode submitter = nodes.get(0);
    for (long height = 1; height <= head.height(); height++) {
      Optional<Block> b = submitter.store().canonicalBlock(height);
      if (b.isEmpty() || !(b.get().outcome() instanceof BlockOutcome.UsefulWork u)) {
        continue;
      }
      Hash hash = b.get().hash();
      final long ht = height;
      int verifiedBy =
          (int)
              nodes.stream()
                  .filter(n -> n.store().canonicalHash(ht).map(hash::equals).orElse(false))
                  .count();
      int winnerNode = nodeOf(u.winner());
      BlockSummary s = BlockSummary.of(b.get());
      long verifyMs =
          submitter.tracker().verificationTime(s.modelHash()).map(Duration::toMillis).orElse(-1L);
      NodeListener.TrainingSummary t = trained.get(winnerNode + "/" + height);
      blocks.add(
          new DevnetReport.UsefulBlock(
              height,
              hash,
              winnerNode,
              u.winner(),
              s.score(),
              s.modelHash(),
              verifyMs,
              t == null ? "?" : t.family(),
              verifiedBy));
    }
    return new DevnetReport(
        settings.problem().name(),
        nodes.size(),
        blocks,
        head.height(),
        head.hash(),
        head.header().stateRoot(),
        agreed,
        System.currentTimeMillis() - startedAtMs);
  }

  private int nodeOf(Address a) {
    for (int i = 0; i < keys.size(); i++) {
      if (keys.get(i).publicKey().address().equals(a)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public void close() {
    submissions.shutdownNow();
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).stop();
    }
  }

  /** Node 0's view: blocks as they become its head, and more problems as they are solved. */
  private final class SubmitterEvents implements NodeListener {
    @Override
    public void blockImported(Block block, boolean head) {
      if (!head) {
        return;
      }
      BlockSummary s = BlockSummary.of(block);
      if (s.kind() == BlockSummary.Kind.USEFUL) {
        useful.putIfAbsent(s.height(), s);
      }
      // Not on the consensus thread: encoding and storing a training set takes a while.
      submissions.execute(Devnet.this::topUpProblems);
      if (s.kind() == BlockSummary.Kind.USEFUL) {
        int winner = nodeOf(s.winner().orElseThrow());
        long verifyMs =
            nodes.isEmpty()
                ? -1
                : nodes
                    .get(0)
                    .tracker()
                    .verificationTime(s.modelHash())
                    .map(Duration::toMillis)
                    .orElse(-1L);
        log.line(
            "block %d  useful  winner node%d  accuracy %s  model %s (%d KB)  verified in %d ms",
            s.height(),
            winner,
            DevnetLog.score(s.score()),
            s.modelHash().toShortHex(),
            s.modelBytes() / 1024,
            verifyMs);
      } else {
        log.line(
            "block %d  %-6s  proposer node%d  txs %d",
            s.height(), s.kind().id(), nodeOf(s.proposer()), s.txCount());
      }
    }

    @Override
    public void blockRejected(Block block, String reason) {
      log.line("node0 rejected block %d: %s", block.height(), reason);
    }
  }

  /** A miner's training results, for the progress lines and the summary. */
  private final class MinerEvents implements NodeListener {
    private final int index;

    MinerEvents(int index) {
      this.index = index;
    }

    @Override
    public void trainingFinished(long round, TrainingSummary summary) {
      trained.put(index + "/" + round, summary);
      log.line(
          "node%d trained %s for round %d: validation accuracy %s, %.0f samples/s, %.1f s",
          index,
          summary.family(),
          round,
          DevnetLog.score(summary.validationScore()),
          summary.samplesPerSecond(),
          summary.elapsed().toMillis() / 1000.0);
    }

    @Override
    public void blockRejected(Block block, String reason) {
      log.line("node%d rejected block %d: %s", index, block.height(), reason);
    }
  }

  /** A devnet that could not produce what was asked. */
  public static final class DevnetException extends Exception {
    private static final long serialVersionUID = 1L;

    public DevnetException(String message) {
      super(message);
    }
  }
}
