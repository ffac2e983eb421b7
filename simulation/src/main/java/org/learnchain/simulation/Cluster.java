package org.learnchain.simulation;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.learnchain.config.Genesis;
import org.learnchain.config.Member;
import org.learnchain.config.ModelLimits;
import org.learnchain.config.Rewards;
import org.learnchain.config.Role;
import org.learnchain.config.RoundDurations;
import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.ConsensusConfig;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.evidence.ConsensusEvidenceVerifier;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.port.BlobPort;
import org.learnchain.consensus.port.MlPort;
import org.learnchain.consensus.port.ProblemSecrets;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.SubmitProblem;
import org.learnchain.ledger.state.StateTransition;

/**
 * Many nodes in one JVM on one simulated clock and network, each running the production consensus
 * over the real ledger state transition. Deterministic for a given seed: keys, salts, network
 * delays and (through the ML factory) training all derive from it. Single-threaded.
 */
public final class Cluster {
  private final SimulatedClock clock;
  private final SimNetwork network;
  private final Genesis genesis;
  private final List<SimNode> nodes = new ArrayList<>();
  private final Map<Hash, Bytes> blobs = new HashMap<>();
  private final SplittableRandom random;
  private final List<Runnable> stepHooks = new ArrayList<>();

  private Cluster(Builder b) {
    this.random = new SplittableRandom(b.seed ^ 0x5eed);
    List<PrivateKey> keys = new ArrayList<>();
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < b.nodes; i++) {
      PrivateKey k =
          PrivateKey.fromSeed(
              Hashing.sha256(
                      ("learnchain-sim/" + b.seed + "/" + i).getBytes(StandardCharsets.UTF_8))
                  .toArray());
      keys.add(k);
      members.add(new Member(k.publicKey(), b.roles.apply(i), b.balance, b.stake));
    }
    this.genesis =
        new Genesis(
            b.chainId,
            b.genesisTimeMs,
            members,
            b.rounds,
            b.rewards,
            b.problemTtlRounds,
            b.tolerance,
            b.limits,
            b.unbondingDelayRounds);
    this.clock = new SimulatedClock(b.genesisTimeMs);
    this.network = new SimNetwork(clock, b.seed, b.minDelayMs, b.maxDelayMs);
    ConsensusConfig config = ConsensusConfig.of(genesis);
    ChainDomains domains = new ChainDomains(genesis.chainId());
    StateTransition transition =
        new StateTransition(genesis, new ConsensusEvidenceVerifier(domains, genesis.schedule()));
    BlobPort blobPort =
        (hash, max) -> {
          Bytes blob = blobs.get(hash);
          Result<Bytes> r =
              blob == null
                  ? Result.err("no peer has blob " + hash.toShortHex())
                  : blob.size() > max ? Result.err("blob larger than announced") : Result.ok(blob);
          return CompletableFuture.completedFuture(r);
        };
    // Twins: extra nodes that run with the key of an existing member on their own disk, the way a
    // misconfigured or malicious operator would run one identity twice.
    List<Integer> keyOf = new ArrayList<>();
    for (int i = 0; i < b.nodes; i++) {
      keyOf.add(i);
    }
    for (int t : b.twins) {
      keyOf.add(t);
    }
    for (int i = 0; i < keyOf.size(); i++) {
      int index = i;
      int identity = keyOf.get(i);
      SimNode[] self = new SimNode[1];
      Function<Hash, Optional<ProblemSecrets.Secret>> secrets = id -> self[0].secretOf(id);
      SimNode node =
          new SimNode(
              index,
              keys.get(identity),
              config,
              transition,
              tx -> network.broadcastTransaction(index, tx),
              clock,
              network.gossipFor(index),
              b.ml.apply(index, secrets),
              blobPort);
      self[0] = node;
      network.register(node, b.interceptors.apply(index));
      if (identity != index) {
        node.twinOf(identity);
      }
      nodes.add(node);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public SimulatedClock clock() {
    return clock;
  }

  public SimNetwork network() {
    return network;
  }

  public Genesis genesis() {
    return genesis;
  }

  public List<SimNode> nodes() {
    return nodes;
  }

  public SimNode node(int i) {
    return nodes.get(i);
  }

  /** Starts every node's consensus. */
  public void start() {
    for (SimNode n : nodes) {
      n.start();
    }
    drainAll();
  }

  private void drainAll() {
    boolean busy = true;
    while (busy) {
      busy = false;
      for (SimNode n : nodes) {
        if (n.drain() > 0) {
          busy = true;
        }
      }
    }
  }

  /**
   * Runs the simulation until {@code done} holds (checked after every step) or simulated time
   * reaches {@code untilMs}. Returns whether {@code done} held.
   */
  public boolean runUntil(BooleanSupplier done, long untilMs) {
    step();
    while (!done.getAsBoolean()) {
      if (!clock.runNext(untilMs)) {
        return done.getAsBoolean();
      }
      step();
    }
    return true;
  }

  private void step() {
    drainAll();
    for (Runnable r : stepHooks) {
      r.run();
    }
  }

  /**
   * Runs {@code hook} after every simulation step (every event handled by every node), e.g. a
   * safety monitor that checks the cluster after each event.
   */
  public void onStep(Runnable hook) {
    stepHooks.add(hook);
  }

  /** Runs for {@code ms} of simulated time. */
  public void runFor(long ms) {
    runUntil(() -> false, clock.nowMs() + ms);
  }

  /**
   * Has node {@code submitter} submit a problem: publishes the training set as a blob, keeps the
   * salt and test data as its secret, and gossips the signed SubmitProblem transaction.
   *
   * @return the problem id
   */
  public Hash submitProblem(
      int submitter,
      Bytes spec,
      Bytes trainingSet,
      Bytes testInputs,
      Bytes testLabels,
      int sampleCount,
      long bounty) {
    byte[] saltBytes = new byte[32];
    random.nextBytes(saltBytes);
    Bytes salt = Bytes.own(saltBytes);
    Hash trainHash = trainingSet.sha256();
    blobs.put(trainHash, trainingSet);
    SubmitProblem sp =
        new SubmitProblem(
            trainHash,
            trainingSet.size(),
            testInputs.sha256WithPrefix(salt),
            testLabels.sha256WithPrefix(salt),
            sampleCount,
            spec.toArray(),
            bounty);
    SimNode node = nodes.get(submitter);
    SignedTransaction tx =
        SignedTransaction.sign(
            node.key(),
            genesis.chainId(),
            node.chain().nextNonce(node.key().publicKey().address()),
            genesis.rewards().minTxFee(),
            sp);
    Hash id = tx.hash();
    node.addSecret(id, new ProblemSecrets.Secret(salt, testInputs, testLabels));
    node.chain().submitTransaction(tx);
    return id;
  }

  /** Settings of a simulated cluster; defaults suit the consensus tests. */
  public static final class Builder {
    private int nodes = 4;
    private long seed = 1;
    private String chainId = "learnchain-sim";
    private long genesisTimeMs = 1_700_000_000_000L;
    private IntFunction<Set<Role>> roles = i -> EnumSet.allOf(Role.class);
    private long balance = 1_000_000;
    private long stake = 10_000;
    private RoundDurations rounds = new RoundDurations(1_000, 500, 500, 200);
    private Rewards rewards = new Rewards(1_000, 1_000, 0, 0, 1, 10, 5_000);
    private int problemTtlRounds = 20;
    private double tolerance = 1e-9;
    private ModelLimits limits =
        new ModelLimits(10_000, 1 << 20, 1_000_000, Set.of("dense"), 16 << 20, 10_000);
    private int unbondingDelayRounds = 10;
    private long minDelayMs = 5;
    private long maxDelayMs = 50;
    private BiFunction<Integer, Function<Hash, Optional<ProblemSecrets.Secret>>, MlPort> ml =
        (i, s) -> LinearRegressionMl.honest(1000L + i);
    private IntFunction<GossipInterceptor> interceptors = i -> GossipInterceptor.HONEST;
    private List<Integer> twins = List.of();

    public Builder nodes(int n) {
      this.nodes = n;
      return this;
    }

    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    public Builder roles(IntFunction<Set<Role>> r) {
      this.roles = r;
      return this;
    }

    public Builder balance(long b) {
      this.balance = b;
      return this;
    }

    public Builder stake(long s) {
      this.stake = s;
      return this;
    }

    public Builder rounds(RoundDurations r) {
      this.rounds = r;
      return this;
    }

    public Builder rewards(Rewards r) {
      this.rewards = r;
      return this;
    }

    public Builder problemTtlRounds(int t) {
      this.problemTtlRounds = t;
      return this;
    }

    public Builder tolerance(double t) {
      this.tolerance = t;
      return this;
    }

    public Builder limits(ModelLimits l) {
      this.limits = l;
      return this;
    }

    public Builder delays(long minMs, long maxMs) {
      this.minDelayMs = minMs;
      this.maxDelayMs = maxMs;
      return this;
    }

    /** The ML port of node {@code i}, given a lookup of that node's own problem secrets. */
    public Builder ml(
        BiFunction<Integer, Function<Hash, Optional<ProblemSecrets.Secret>>, MlPort> f) {
      this.ml = f;
      return this;
    }

    public Builder interceptors(IntFunction<GossipInterceptor> f) {
      this.interceptors = f;
      return this;
    }

    /**
     * Adds one extra node per entry, running with the key of node {@code twinOf[k]} on its own disk
     * (node index {@code nodes + k}). Genesis is unchanged: a twin is one member twice.
     */
    public Builder twins(int... twinOf) {
      List<Integer> t = new ArrayList<>();
      for (int i : twinOf) {
        t.add(i);
      }
      this.twins = List.copyOf(t);
      return this;
    }

    public Cluster build() {
      return new Cluster(this);
    }
  }
}
