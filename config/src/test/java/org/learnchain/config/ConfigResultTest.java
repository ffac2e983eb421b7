package org.learnchain.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigResultTest {
  private static final ConfigProblem P1 =
      new ConfigProblem("g.json", "rewards.slashBps", 12, 5, "too big");
  private static final ConfigProblem P2 =
      ConfigProblem.of("environment", "LEARNCHAIN_P2P_PORT", "bad");

  @Test
  void problemFormatsLikeACompilerMessage() {
    assertEquals("g.json:12:5: rewards.slashBps: too big", P1.format());
    assertEquals("environment: LEARNCHAIN_P2P_PORT: bad", P2.format());
    assertEquals("f.toml:3: oops", new ConfigProblem("f.toml", "", 3, 0, "oops").format());
    assertEquals("f.toml: empty", ConfigProblem.of("f.toml", "", "empty").format());
    // A message never spans lines.
    assertEquals("f: a b", ConfigProblem.of("f", "", "a\nb").format());
  }

  @Test
  void validAndInvalidResults() {
    ConfigResult<Integer> ok = ConfigResult.valid(3);
    assertTrue(ok.isValid());
    assertEquals(3, ok.value());
    assertEquals(List.of(), ok.problems());
    assertEquals(4, ok.map(v -> v + 1).value());
    assertEquals("x3", ok.flatMap(v -> ConfigResult.valid("x" + v)).value());

    ConfigResult<Integer> bad = ConfigResult.invalid(List.of(P1, P2));
    assertFalse(bad.isValid());
    assertEquals(List.of(P1, P2), bad.problems());
    assertEquals(List.of(P1, P2), bad.map(v -> v + 1).problems());
    assertEquals(P1.format() + "\n" + P2.format(), bad.describeProblems());
    IllegalStateException e = assertThrows(IllegalStateException.class, bad::value);
    assertTrue(e.getMessage().contains("too big"));
    assertThrows(IllegalArgumentException.class, () -> ConfigResult.invalid(List.of()));
    assertEquals(List.of(P2), ok.flatMap(v -> ConfigResult.<String>invalid(P2)).problems());
  }
}
