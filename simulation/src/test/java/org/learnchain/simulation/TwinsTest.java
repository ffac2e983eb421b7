package org.learnchain.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Twins: validator 3 runs twice, with one key on two disks, so it signs whatever each copy's view
 * tells it to, conflicting votes included. Random partitions change every few hundred ms over many
 * heights, often putting the twins on opposite sides. One equivocating key of four is under a
 * third: no two nodes, the twins included, may commit different blocks at one height, and once the
 * network heals every node goes on committing.
 */
class TwinsTest {
  private static final int SEEDS = Integer.getInteger("learnchain.twins.seeds", 40);
  private static final long FIRST = Long.getLong("learnchain.twins.firstSeed", 1);

  @TestFactory
  Stream<DynamicTest> twinsUnderRandomPartitions() {
    return LongStream.range(FIRST, FIRST + SEEDS)
        .mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> run(seed)));
  }

  static void run(long seed) {
    String replay =
        " (replay: -Dlearnchain.twins.firstSeed=" + seed + " -Dlearnchain.twins.seeds=1)";
    SplittableRandom random = new SplittableRandom(seed);
    Cluster c = Cluster.builder().seed(seed).twins(3).build();
    SafetyMonitor m = SafetyMonitor.attach(c);
    c.start();
    if (random.nextBoolean()) {
      ClusterChecks.paperProblem(c, random.nextInt(3), 999);
    }
    int changes = 10 + random.nextInt(20);
    for (int k = 0; k < changes; k++) {
      int[] groups = new int[c.nodes().size()];
      for (int i = 0; i < groups.length; i++) {
        groups[i] = random.nextInt(2);
      }
      // The twins mostly apart: the schedule that lets one key be on both sides.
      if (random.nextInt(4) != 0) {
        groups[4] = 1 - groups[3];
      }
      c.network().partition(i -> groups[i]);
      c.runFor(100 + random.nextInt(900));
      assertEquals(List.of(), m.violations(), "safety" + replay);
    }
    c.network().heal();
    long target = m.commonCommittedHeight() + 3;
    boolean live =
        c.runUntil(() -> m.commonCommittedHeight() >= target, c.clock().nowMs() + 90_000);
    assertEquals(List.of(), m.violations(), "safety" + replay);
    assertTrue(live, "no progress after healing, stuck at " + m.commonCommittedHeight() + replay);
  }
}
