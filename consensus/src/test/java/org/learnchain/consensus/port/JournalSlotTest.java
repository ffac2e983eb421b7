package org.learnchain.consensus.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JournalSlotTest {

  /**
   * The tokens are on disk in every validator's journal: changing one would make a restarted node
   * miss what it signed before the upgrade. This table may only grow.
   */
  @Test
  void encodingsAreFrozen() {
    Map<JournalSlot.Kind, String> frozen = new EnumMap<>(JournalSlot.Kind.class);
    frozen.put(JournalSlot.Kind.MODEL_COMMIT, "commit");
    frozen.put(JournalSlot.Kind.PREDICTION, "prediction");
    frozen.put(JournalSlot.Kind.TEST_REVEAL, "test-reveal");
    frozen.put(JournalSlot.Kind.LABEL_REVEAL, "label-reveal");
    frozen.put(JournalSlot.Kind.CERTIFICATE, "certificate/3");
    frozen.put(JournalSlot.Kind.PROPOSAL, "proposal/3");
    frozen.put(JournalSlot.Kind.PREVOTE, "prevote/3");
    frozen.put(JournalSlot.Kind.PRECOMMIT, "precommit/3");
    frozen.put(JournalSlot.Kind.LOCKED_BLOCK, "locked-block/3");
    frozen.put(JournalSlot.Kind.LOCK_PROOF, "lock-proof/3");
    frozen.put(JournalSlot.Kind.DECISION, "decision");
    assertEquals(
        JournalSlot.Kind.values().length, frozen.size(), "every kind has a pinned encoding");
    for (JournalSlot.Kind k : JournalSlot.Kind.values()) {
      JournalSlot slot = k.indexed() ? JournalSlot.of(k, 3) : JournalSlot.of(k);
      assertEquals(frozen.get(k), slot.encode(), k.name());
      assertEquals(Optional.of(slot), JournalSlot.decode(frozen.get(k)), k.name());
    }
  }

  @Test
  void decodeRefusesWhatThisVersionDidNotWrite() {
    for (String bad :
        new String[] {
          "",
          "vote/1",
          "prevote",
          "prevote/",
          "prevote/-1",
          "prevote/x",
          "prevote/1/2",
          "prevote/9999999999",
          "decision/0",
          "commit/1",
          "PREVOTE/1",
          " prevote/1"
        }) {
      assertTrue(JournalSlot.decode(bad).isEmpty(), "refused: '" + bad + "'");
    }
  }

  @Test
  void indexesMatchTheKind() {
    assertThrows(
        IllegalArgumentException.class, () -> JournalSlot.of(JournalSlot.Kind.DECISION, 1));
    assertThrows(
        IllegalArgumentException.class, () -> JournalSlot.of(JournalSlot.Kind.PREVOTE, -1));
    assertEquals(0, JournalSlot.of(JournalSlot.Kind.PREVOTE, 0).index());
  }
}
