package org.learnchain.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.learnchain.node.cli.CliHarness.Run;

/** {@code learnchain simulate} runs the real protocol and prints the JSON shape. */
class SimulateCommandTest {
  @Test
  void paperAttackPrintsOneScenarioWithFiveNodes() {
    Run r = CliHarness.run("simulate", "--scenario", "paper-attack", "--rounds", "20", "--json");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("seed="), "the seed is printed so a run can be reproduced");
    JsonObject o = JsonParser.parseString(r.out().trim()).getAsJsonObject();
    JsonArray scenarios = o.getAsJsonArray("scenarios");
    assertEquals(1, scenarios.size());
    JsonObject s = scenarios.get(0).getAsJsonObject();
    assertEquals("paper-attack", s.get("name").getAsString());
    assertEquals(20, s.get("rounds").getAsInt());
    JsonArray nodes = s.getAsJsonArray("nodes");
    assertEquals(5, nodes.size());
    double shares = 0;
    int byzantine = 0;
    for (JsonElement e : nodes) {
      JsonObject n = e.getAsJsonObject();
      shares += n.get("grossShare").getAsDouble();
      byzantine += n.get("byzantine").getAsBoolean() ? 1 : 0;
      assertTrue(n.has("netProfit"));
    }
    assertEquals(1, byzantine);
    assertEquals(1.0, shares, 1e-9, "every useful-work reward went to one of the five nodes");
  }

  @Test
  void unknownScenarioIsAOneLineUsageError() {
    Run r = CliHarness.run("simulate", "--scenario", "nope", "--rounds", "5");
    assertEquals(2, r.code());
    assertEquals(1, r.errLines().length, r.err());
    assertTrue(r.err().contains("unknown scenario 'nope'"), r.err());
  }
}
