package org.learnchain.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Short runs of the paper's experiment. The assertions are consequences of the protocol that hold
 * for any seed (not the statistics, which need the full 1000 rounds and are reported, not tested).
 */
class SimulationTest {
  private static final int ROUNDS = 30;

  private static Simulation.NodeResult attacker(Simulation.ScenarioResult r) {
    return r.nodes().get(Simulation.ATTACKER);
  }

  @Test
  void theAttackerWinsEveryProblemItPreSolvedUnlessExcluded() {
    Simulation.ScenarioResult attack = Simulation.run("paper-attack", ROUNDS, 3).get(0);
    assertEquals(ROUNDS, attack.usefulBlocks());
    // It submitted every second problem and its least-squares fit beats any honest model there.
    assertTrue(attacker(attack).grossShare() >= 0.5, "share " + attacker(attack).grossShare());
    Simulation.ScenarioResult excluded = Simulation.run("exclusion", ROUNDS, 3).get(0);
    // Under exclusion it can win only among the client's half of the problems.
    assertTrue(attacker(excluded).grossShare() <= 0.5, "share " + attacker(excluded).grossShare());
    assertTrue(attacker(excluded).byzantine());
    double total = excluded.nodes().stream().mapToDouble(Simulation.NodeResult::grossShare).sum();
    assertEquals(1.0, total, 1e-9);
    assertTrue(excluded.finalizedHeight() >= ROUNDS, "blocks became final");
  }

  @Test
  void fundedProblemsMakeTheAttackersOwnProblemsCostWhatTheyPay() {
    Simulation.ScenarioResult minted = Simulation.run("paper-attack", ROUNDS, 4).get(0);
    Simulation.ScenarioResult funded = Simulation.run("funded", ROUNDS, 4).get(0);
    Simulation.ScenarioResult burned = Simulation.run("funded-burn", ROUNDS, 4).get(0);
    // Same seed, same rankings: the gross shares agree; only the money differs.
    assertEquals(attacker(minted).grossShare(), attacker(funded).grossShare(), 1e-12);
    // Funded: the bounties it paid itself come back, so its net equals what it won on the
    // client's problems; with a burn it loses 10% of every bounty it won.
    double wins = attacker(funded).grossShare() * ROUNDS * 2.5;
    assertEquals(wins - ROUNDS / 2 * 2.5, attacker(funded).netProfit(), 1e-6);
    assertEquals(wins * 0.9 - ROUNDS / 2 * 2.5, attacker(burned).netProfit(), 1e-6);
    for (int i = 0; i < Simulation.NODES - 1; i++) {
      assertEquals(
          funded.nodes().get(i).grossShare() * ROUNDS * 2.5,
          funded.nodes().get(i).netProfit(),
          1e-6,
          "honest node " + i + " pays nothing and keeps what it wins");
    }
  }

  @Test
  void jsonAndErrors() {
    List<Simulation.ScenarioResult> r = Simulation.run("honest", 5, 1);
    String json = Simulation.toJson(r);
    assertTrue(json.startsWith("{\"scenarios\":[{\"name\":\"honest\",\"rounds\":5,"), json);
    assertTrue(json.contains("\"node\":\"node0\",\"byzantine\":false,\"grossShare\":"), json);
    assertTrue(json.contains("\"netProfit\":"), json);
    assertEquals(5, r.get(0).nodes().size());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Simulation.run("nope", 5, 1));
    assertTrue(e.getMessage().contains("unknown scenario 'nope'"));
    assertThrows(IllegalArgumentException.class, () -> Simulation.run("honest", 0, 1));
  }
}
