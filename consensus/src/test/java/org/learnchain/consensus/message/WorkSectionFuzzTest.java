package org.learnchain.consensus.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.fuzz.FuzzMessages;
import org.learnchain.crypto.fuzz.FuzzInputs;
import org.learnchain.crypto.fuzz.ThreadAllocations;

/**
 * Fuzzes {@link WorkSection#decode}, run on the opaque work bytes of every block a node receives.
 * The contract checked: an error with a one-line reason or a section, never an exception;
 * allocation in proportion to the input whatever the nested length prefixes claim; an accepted
 * section re-encodes to the same bytes (the header commits to their hash).
 */
class WorkSectionFuzzTest {
  @FuzzTest(maxDuration = "3m")
  void decode(byte[] bytes) {
    Result<WorkSection> r =
        ThreadAllocations.bounded(bytes.length, () -> WorkSection.decode(bytes));
    if (r instanceof Result.Ok<WorkSection> ok) {
      assertArrayEquals(bytes, ok.value().encode(), "accepted a non-canonical work section");
    } else {
      assertFalse(r.reason().contains("\n"), r.reason());
    }
  }

  static Map<String, byte[]> seeds() {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put("useful", FuzzMessages.useful(FuzzMessages.MODEL).encode());
    seeds.put(
        "wasted",
        new WorkSection.Wasted(
                FuzzMessages.PROBLEM,
                List.of(
                    FuzzMessages.commit(FuzzMessages.WINNER, FuzzMessages.MODEL),
                    FuzzMessages.commit(FuzzMessages.RUNNER_UP, FuzzMessages.OTHER_MODEL)),
                List.of(FuzzMessages.precommit(FuzzMessages.VALIDATOR, "parent")))
            .encode());
    seeds.put(
        "idle-with-parent-commit",
        new WorkSection.Idle(List.of(FuzzMessages.precommit(FuzzMessages.VALIDATOR, "parent")))
            .encode());
    return seeds;
  }

  @Test
  void seedsAreValidSectionsAndSaved() {
    for (byte[] seed : seeds().values()) {
      assertTrue(WorkSection.decode(seed).isOk());
      decode(seed);
    }
    FuzzInputs.sync(getClass(), "decode", seeds());
  }
}
