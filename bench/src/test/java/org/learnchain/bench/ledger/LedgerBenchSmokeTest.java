package org.learnchain.bench.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the benchmark runnable: a tiny configuration must commit every block and report consistent
 * counts. No timing is asserted (figures come from the bench command, not tests).
 */
class LedgerBenchSmokeTest {
  @TempDir Path dir;

  @Test
  void aTinyRunCommitsEveryBlockAndPrintsTheRequiredFields() throws Exception {
    LedgerBench.Result r =
        LedgerBench.run(dir.resolve("db"), new LedgerBench.Config(300, 3, 40, 2, 1, 0));
    assertEquals(120, r.transfers());
    assertEquals(4, r.headHeight());
    assertTrue(r.transfersPerSecond() > 0 && r.verifyPerSecond() > 0);
    assertEquals(r.transfersPerSecond() / r.verifyPerSecond(), r.ratio(), 1e-9);
    String json = r.toJson();
    for (String field :
        new String[] {"\"transfersPerSecond\":", "\"verifyPerSecond\":", "\"ratio\":"}) {
      assertTrue(json.contains(field), json);
    }
    // Same seeds, same blocks, same state: the run is deterministic apart from timings.
    LedgerBench.Result again =
        LedgerBench.run(dir.resolve("db2"), new LedgerBench.Config(300, 3, 40, 1, 1, 0));
    assertEquals(r.stateRoot(), again.stateRoot());
  }
}
