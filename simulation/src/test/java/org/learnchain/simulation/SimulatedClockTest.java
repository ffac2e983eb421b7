package org.learnchain.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.learnchain.consensus.port.Clock;

class SimulatedClockTest {
  @Test
  void runsActionsInTimeThenSchedulingOrderAndJumpsTime() {
    SimulatedClock c = new SimulatedClock(100);
    List<String> ran = new ArrayList<>();
    c.schedule(300, () -> ran.add("b"));
    c.schedule(200, () -> ran.add("a"));
    c.schedule(300, () -> ran.add("c"));
    Clock.Timer cancelled = c.schedule(250, () -> ran.add("x"));
    cancelled.cancel();
    c.schedule(50, () -> ran.add("past runs now"));
    while (c.runNext(1_000)) {
      // drain
    }
    assertEquals(List.of("past runs now", "a", "b", "c"), ran);
    assertEquals(1_000, c.nowMs(), "time moves to the horizon when nothing is due");
    c.schedule(2_000, () -> ran.add("late"));
    assertFalse(c.runNext(1_500));
    assertEquals(1_500, c.nowMs());
    assertTrue(c.runNext(5_000));
    assertEquals(2_000, c.nowMs());
  }
}
