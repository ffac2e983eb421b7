package org.learnchain.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.message.ConsensusMessage;
import org.learnchain.consensus.message.Vote;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.MessageType;

/**
 * Randomized schedules on the simulated clock. Each seed draws per-link delays, losses and
 * duplicates, partitions, crashes and restarts of honest nodes at random points, and up to f
 * Byzantine validators (equivocating, withholding, sending to a subset of peers, replaying). After
 * a random point (global stabilization) the network becomes synchronous and every crashed node
 * comes back. The safety monitor checks agreement after every event; after stabilization every
 * honest node must commit further heights within a bounded time.
 *
 * <p>Seeds are replayable: {@code -Dlearnchain.random.firstSeed=N -Dlearnchain.random.seeds=1};
 * {@code -Dlearnchain.random.seeds=5000} runs a longer campaign.
 */
class RandomSchedulesTest {
  private static final int SEEDS = Integer.getInteger("learnchain.random.seeds", 200);
  private static final long FIRST = Long.getLong("learnchain.random.firstSeed", 1);

  @TestFactory
  Stream<DynamicTest> randomSchedules() {
    return LongStream.range(FIRST, FIRST + SEEDS)
        .mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> run(seed)));
  }

  enum Byzantine {
    EQUIVOCATE,
    WITHHOLD,
    SUBSET,
    REPLAY
  }

  static void run(long seed) {
    String replay =
        " (seed "
            + seed
            + "; replay: -Dlearnchain.random.firstSeed="
            + seed
            + " -Dlearnchain.random.seeds=1)";
    SplittableRandom random = new SplittableRandom(seed * 7919 + 17);
    int n = random.nextInt(4) == 0 ? 7 : 4;
    int f = (n - 1) / 3;
    int byzantineCount = random.nextInt(f + 1);
    List<Integer> byzantine = new ArrayList<>();
    List<Byzantine> strategies = new ArrayList<>();
    for (int i = 0; i < byzantineCount; i++) {
      byzantine.add(n - 1 - i);
      strategies.add(Byzantine.values()[random.nextInt(Byzantine.values().length)]);
    }
    AtomicReference<Cluster> ref = new AtomicReference<>();
    Cluster c =
        Cluster.builder()
            .seed(seed)
            .nodes(n)
            .interceptors(
                i -> {
                  int k = byzantine.indexOf(i);
                  return k < 0
                      ? GossipInterceptor.HONEST
                      : strategy(strategies.get(k), i, ref, new SplittableRandom(seed + i));
                })
            .build();
    ref.set(c);
    SafetyMonitor m = SafetyMonitor.attach(c);
    double drop = random.nextDouble() * 0.3;
    long maxExtra = random.nextLong(1_500);
    double duplicate = random.nextDouble() * 0.2;
    SplittableRandom net = new SplittableRandom(seed ^ 0xfeed);
    c.network()
        .addRule(
            (from, to, kind, payload, now) -> {
              if (net.nextDouble() < drop) {
                return SimNetwork.LinkRule.DROP;
              }
              return net.nextLong(maxExtra + 1);
            });
    c.network()
        .setDuplicator(
            (from, to, kind, payload, now) ->
                net.nextDouble() < duplicate ? net.nextLong(2 * maxExtra + 1) : -1);
    c.start();
    if (random.nextBoolean()) {
      ClusterChecks.paperProblem(c, random.nextInt(n - byzantineCount), 999);
    }
    long gst = c.clock().nowMs() + 3_000 + random.nextLong(12_000);
    List<Integer> crashed = new ArrayList<>();
    while (c.clock().nowMs() < gst) {
      int event = random.nextInt(6);
      if (event == 0) {
        int victim = random.nextInt(n);
        if (!byzantine.contains(victim) && !crashed.contains(victim)) {
          c.node(victim).crash();
          c.network().setDown(victim, true);
          crashed.add(victim);
        }
      } else if (event == 1 && !crashed.isEmpty()) {
        int back = crashed.remove(random.nextInt(crashed.size()));
        c.network().setDown(back, false);
        c.node(back).restart();
      } else if (event == 2) {
        int[] groups = new int[n];
        for (int i = 0; i < n; i++) {
          groups[i] = random.nextInt(2);
        }
        c.network().partition(i -> groups[i]);
      } else if (event == 3) {
        c.network().heal();
      }
      c.runFor(200 + random.nextLong(1_500));
      assertEquals(List.of(), m.violations(), "safety" + replay);
    }
    // Global stabilization: a synchronous network, everyone back.
    c.network().clearRules();
    c.network().heal();
    for (int back : crashed) {
      c.network().setDown(back, false);
      c.node(back).restart();
    }
    long target = highest(c) + 3;
    boolean live =
        c.runUntil(
            () ->
                c.nodes().stream()
                    .filter(x -> !byzantine.contains(x.index()))
                    .allMatch(x -> x.chain().finalizedHeight() >= target),
            c.clock().nowMs() + 120_000);
    assertEquals(List.of(), m.violations(), "safety" + replay);
    assertTrue(
        live,
        "no liveness after stabilization: target "
            + target
            + ", heights "
            + c.nodes().stream().map(x -> x.chain().finalizedHeight()).toList()
            + replay);
  }

  private static long highest(Cluster c) {
    return c.nodes().stream().mapToLong(x -> x.chain().finalizedHeight()).max().orElse(0);
  }

  /** What a Byzantine validator does with what its (production) state machine sends. */
  static GossipInterceptor strategy(
      Byzantine kind, int self, AtomicReference<Cluster> c, SplittableRandom random) {
    return switch (kind) {
      case WITHHOLD -> (k, payload, out) -> {};
      case SUBSET ->
          (k, payload, out) -> {
            for (int peer = 0; peer < out.size(); peer++) {
              if (random.nextBoolean()) {
                out.sendTo(peer, k, payload);
              }
            }
          };
      case REPLAY -> Strategies.replaysOldRounds();
      case EQUIVOCATE ->
          (k, payload, out) -> {
            if (k != MessageType.PREVOTE && k != MessageType.PRECOMMIT) {
              out.publish(k, payload);
              return;
            }
            Vote v = (Vote) Wire.message(k, payload).orElseThrow();
            Hash other =
                v.isNil() ? Hashing.sha256(new byte[] {(byte) random.nextInt(256)}) : Hash.ZERO;
            Vote twin =
                Vote.sign(
                    new ChainDomains(c.get().genesis().chainId()),
                    k,
                    c.get().node(self).key(),
                    v.height(),
                    v.bftRound(),
                    other);
            for (int peer = 0; peer < out.size(); peer++) {
              ConsensusMessage send = random.nextBoolean() ? v : twin;
              out.sendTo(peer, k, send.encode());
            }
          };
    };
  }
}
