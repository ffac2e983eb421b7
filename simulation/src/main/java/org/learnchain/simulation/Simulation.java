package org.learnchain.simulation;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.learnchain.config.Rewards;
import org.learnchain.config.Role;
import org.learnchain.config.RoundDurations;
import org.learnchain.crypto.Address;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.state.WorldState;

/**
 * The experiment of "Solutions for decentralized AI" (Hernández, Vila and Espinós, 2023), run with
 * the production consensus and ledger code: five in-process nodes (miners and validators) on a
 * simulated clock and network, plus a client that submits problems. The task is the paper's 1-D
 * linear regression; honest miners train by gradient descent from random starts; the Byzantine node
 * (node 4) submits every second problem and answers its own problems with the least-squares fit on
 * their test set. The other problems come from a client (member 5) that does not mine. The ledger
 * (like consensus) never lets a problem's submitter win it, so where a scenario has no exclusion
 * rule the attacker submits through a second identity it controls (member 6), whose payments count
 * as the attacker's; under the exclusion defence it submits with its own key and the rule applies.
 * Only the trainer is a stand-in ({@link LinearRegressionMl}); problem submission, commitments,
 * reveals, ranking, certificates, block building and verification, attestations, payouts and burns
 * are the real code paths.
 *
 * <p>Amounts: a coin is {@value #COIN} ledger units and the paper's reward of 2.5 coins is {@value
 * #REWARD}. The ledger refuses a zero bounty, so the paper's "free" problems escrow the minimum of
 * one unit (1e-4 coin), which the winner receives with the minted reward.
 *
 * <p>Per node it reports the gross share of all rewards the five nodes received, and the net profit
 * in coins (what it received minus the bounties it paid), read from the final ledger state: {@code
 * net = final balance - initial balance}, {@code gross = net + bounties paid}.
 */
public final class Simulation {
  /** Ledger units per coin of the paper's currency. */
  public static final long COIN = 10_000;

  /** The paper's reward per block: 2.5 coins. */
  public static final long REWARD = 25 * COIN / 10;

  /** The five nodes of the paper; the sixth member is the client submitting problems. */
  public static final int NODES = 5;

  public static final int ATTACKER = 4;

  private static final int CLIENT = NODES;

  /** The attacker's second identity, used to submit where no exclusion rule is modelled. */
  private static final int ATTACKER_SYBIL = NODES + 1;

  private static final long START_BALANCE = 1_000_000_000L;

  /** One of the paper's settings. */
  public record Scenario(
      String name, boolean attack, long bounty, long subsidy, int burnBps, boolean exclusion) {}

  /** The scenarios, in the order {@code all} runs them. */
  public static final List<Scenario> SCENARIOS =
      List.of(
          new Scenario("honest", false, 1, REWARD, 0, false),
          new Scenario("paper-attack", true, 1, REWARD, 0, false),
          new Scenario("funded", true, REWARD, 0, 0, false),
          new Scenario("funded-burn", true, REWARD, 0, 1_000, false),
          new Scenario("exclusion", true, 1, REWARD, 0, true),
          new Scenario("funded-minted", true, REWARD, REWARD, 0, false),
          new Scenario("all-defences", true, REWARD, 0, 1_000, true));

  /** One node's outcome. */
  public record NodeResult(String node, boolean byzantine, double grossShare, double netProfit) {}

  /**
   * One scenario's outcome; {@code usefulBlocks} counts blocks that paid a winner, {@code
   * finalizedHeight} is node 0's final height at the end.
   */
  public record ScenarioResult(
      String name, int rounds, List<NodeResult> nodes, long usefulBlocks, long finalizedHeight) {}

  private Simulation() {}

  /**
   * Runs scenario {@code name} ({@code all} runs every scenario, two at a time) for {@code rounds}
   * useful-work rounds.
   *
   * @throws IllegalArgumentException for an unknown scenario or a non-positive round count
   */
  public static List<ScenarioResult> run(String name, int rounds, long seed) {
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds must be positive, got " + rounds);
    }
    if ("all".equals(name)) {
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        List<Future<ScenarioResult>> futures = new ArrayList<>();
        for (Scenario s : SCENARIOS) {
          futures.add(pool.submit(() -> run(s, rounds, seed)));
        }
        List<ScenarioResult> out = new ArrayList<>();
        for (Future<ScenarioResult> f : futures) {
          out.add(f.get());
        }
        return out;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("simulation interrupted", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("simulation failed: " + e.getCause(), e.getCause());
      } finally {
        pool.shutdownNow();
      }
    }
    for (Scenario s : SCENARIOS) {
      if (s.name().equals(name)) {
        return List.of(run(s, rounds, seed));
      }
    }
    throw new IllegalArgumentException(
        "unknown scenario '"
            + name
            + "' (one of "
            + String.join(", ", SCENARIOS.stream().map(Scenario::name).toList())
            + ", all)");
  }

  /** Runs one scenario. */
  public static ScenarioResult run(Scenario s, int rounds, long seed) {
    java.util.concurrent.atomic.AtomicReference<Cluster> built =
        new java.util.concurrent.atomic.AtomicReference<>();
    Cluster c =
        Cluster.builder()
            .nodes(NODES + 2)
            .seed(seed)
            .roles(Simulation::roles)
            .balance(START_BALANCE)
            .stake(0)
            .rounds(new RoundDurations(1_000, 500, 500, 200))
            .rewards(new Rewards(s.burnBps(), 0, 0, s.subsidy(), 0, 1, 0))
            .problemTtlRounds(1_000)
            .tolerance(1e-9)
            .delays(5, 50)
            .ml(
                (i, secrets) ->
                    i == ATTACKER && s.attack()
                        ? new LinearRegressionMl(
                            new java.util.SplittableRandom(seed * 1_000_003L + i),
                            // It knows the test sets of the problems it submitted, under either
                            // of its identities.
                            id ->
                                secrets
                                    .apply(id)
                                    .or(() -> built.get().node(ATTACKER_SYBIL).secretOf(id)))
                        : LinearRegressionMl.honest(seed * 1_000_003L + i))
            .build();
    built.set(c);
    c.start();
    SimNode observer = c.node(0);
    long[] paid = new long[NODES + 2];
    int submitted = 0;
    long useful = 0;
    long seen = 0;
    // Keep two problems in flight: one pending on chain, one on its way into the next block.
    while (submitted < Math.min(2, rounds)) {
      paid[submitter(s, submitted)] += s.bounty();
      submit(c, s, submitted++);
    }
    while (useful < rounds) {
      long target = seen + 1;
      boolean advanced =
          c.runUntil(() -> observer.chain().head().height() >= target, c.clock().nowMs() + 600_000);
      if (!advanced) {
        throw new IllegalStateException(
            "scenario " + s.name() + " stalled at height " + seen + " after " + useful + " rounds");
      }
      long top = observer.chain().head().height();
      for (long h = seen + 1; h <= top; h++) {
        Block b =
            observer.chain().block(observer.chain().canonicalHash(h).orElseThrow()).orElseThrow();
        if (b.outcome() instanceof BlockOutcome.UsefulWork) {
          useful++;
        }
      }
      seen = top;
      while (submitted < rounds && submitted < useful + 2) {
        paid[submitter(s, submitted)] += s.bounty();
        submit(c, s, submitted++);
      }
    }
    // Let the last block reach everyone and become final.
    c.runFor(2_000);
    return summarize(c, s, rounds, paid, useful);
  }

  private static Set<Role> roles(int i) {
    if (i == CLIENT || i == ATTACKER_SYBIL) {
      return EnumSet.of(Role.SUBMITTER);
    }
    return i == ATTACKER ? EnumSet.allOf(Role.class) : EnumSet.of(Role.MINER, Role.VALIDATOR);
  }

  /**
   * Who submits the k-th problem: the attacker every second one when attacking, else the client.
   */
  private static int submitter(Scenario s, int k) {
    if (!s.attack() || k % 2 == 0) {
      return CLIENT;
    }
    return s.exclusion() ? ATTACKER : ATTACKER_SYBIL;
  }

  private static void submit(Cluster c, Scenario s, int k) {
    c.submitProblem(
        submitter(s, k),
        PaperTask.spec(),
        PaperTask.trainingSet(),
        PaperTask.encode(PaperTask.X_TEST),
        PaperTask.encode(PaperTask.Y_TEST),
        PaperTask.X_TEST.length,
        s.bounty());
  }

  private static ScenarioResult summarize(
      Cluster c, Scenario s, int rounds, long[] paid, long useful) {
    WorldState state = c.node(0).headState();
    double[] gross = new double[NODES];
    double[] net = new double[NODES];
    double total = 0;
    for (int i = 0; i < NODES; i++) {
      Address a = c.node(i).key().publicKey().address();
      long delta = state.account(a).balance() - START_BALANCE;
      long spent = paid[i];
      if (i == ATTACKER) {
        // The attacker's second identity only pays bounties; its balance is the attacker's.
        Address sybil = c.node(ATTACKER_SYBIL).key().publicKey().address();
        delta += state.account(sybil).balance() - START_BALANCE;
        spent += paid[ATTACKER_SYBIL];
      }
      net[i] = delta / (double) COIN;
      gross[i] = net[i] + spent / (double) COIN;
      total += gross[i];
    }
    List<NodeResult> nodes = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      nodes.add(
          new NodeResult(
              "node" + i, s.attack() && i == ATTACKER, total == 0 ? 0 : gross[i] / total, net[i]));
    }
    return new ScenarioResult(
        s.name(), rounds, nodes, useful, c.node(0).recorder().finalizedHeight());
  }

  /** The results as the JSON object of {@code learnchain simulate --json}. */
  public static String toJson(List<ScenarioResult> results) {
    StringBuilder sb = new StringBuilder("{\"scenarios\":[");
    for (int i = 0; i < results.size(); i++) {
      ScenarioResult r = results.get(i);
      if (i > 0) {
        sb.append(',');
      }
      sb.append("{\"name\":\"").append(r.name()).append("\",\"rounds\":").append(r.rounds());
      sb.append(",\"usefulBlocks\":").append(r.usefulBlocks());
      sb.append(",\"finalizedHeight\":").append(r.finalizedHeight());
      sb.append(",\"nodes\":[");
      for (int j = 0; j < r.nodes().size(); j++) {
        NodeResult n = r.nodes().get(j);
        if (j > 0) {
          sb.append(',');
        }
        sb.append(
            String.format(
                Locale.ROOT,
                "{\"node\":\"%s\",\"byzantine\":%s,\"grossShare\":%.4f,\"netProfit\":%.2f}",
                n.node(),
                n.byzantine(),
                n.grossShare(),
                n.netProfit()));
      }
      sb.append("]}");
    }
    return sb.append("]}").toString();
  }

  /** The results as a plain table. */
  public static String toTable(List<ScenarioResult> results) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%-14s %-6s %-9s %10s %12s%n",
            "scenario",
            "node",
            "byzantine",
            "grossShare",
            "netProfit"));
    for (ScenarioResult r : results) {
      for (NodeResult n : r.nodes()) {
        sb.append(
            String.format(
                Locale.ROOT,
                "%-14s %-6s %-9s %9.1f%% %12.2f%n",
                r.name(),
                n.node(),
                n.byzantine() ? "yes" : "no",
                100 * n.grossShare(),
                n.netProfit()));
      }
    }
    return sb.toString();
  }

  /**
   * {@code Simulation --scenario NAME --rounds N [--seed S] [--json]}; the node-app's {@code
   * learnchain simulate} calls {@link #run(String, int, long)} the same way.
   */
  public static void main(String[] args) {
    Map<String, String> opts = new java.util.HashMap<>();
    boolean json = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if ("--json".equals(a)) {
        json = true;
      } else if (a.startsWith("--") && i + 1 < args.length) {
        opts.put(a.substring(2), args[++i]);
      } else {
        System.err.println("usage: Simulation --scenario NAME --rounds N [--seed S] [--json]");
        System.exit(2);
        return;
      }
    }
    try {
      String scenario = opts.getOrDefault("scenario", "all");
      int rounds = Integer.parseInt(opts.getOrDefault("rounds", "1000"));
      long seed = Long.parseLong(opts.getOrDefault("seed", "1"));
      List<ScenarioResult> results = run(scenario, rounds, seed);
      System.out.println(json ? toJson(results) : toTable(results));
    } catch (IllegalArgumentException e) {
      System.err.println("simulate: " + e.getMessage());
      System.exit(2);
    }
  }
}
