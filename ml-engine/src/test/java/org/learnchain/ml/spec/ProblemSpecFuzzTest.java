package org.learnchain.ml.spec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.fuzz.FuzzInputs;
import org.learnchain.crypto.fuzz.ThreadAllocations;
import org.learnchain.ml.Result;

/**
 * Fuzzes {@link ProblemSpec#decode}, run by every node on the spec inside a {@code SubmitProblem}
 * transaction. The contract checked: a spec or a one-line reason, never an exception; allocation in
 * proportion to the input; an accepted spec is canonical (it encodes to the same bytes, so its hash
 * is the hash of what was signed).
 */
class ProblemSpecFuzzTest {
  @FuzzTest(maxDuration = "3m")
  void decode(byte[] bytes) {
    Result<ProblemSpec> r =
        ThreadAllocations.bounded(bytes.length, () -> ProblemSpec.decode(bytes));
    if (r.isOk()) {
      assertArrayEquals(bytes, r.value().encode(), "accepted a non-canonical spec");
    } else {
      assertFalse(r.reason().isBlank());
      assertFalse(r.reason().contains("\n"), r.reason());
    }
  }

  static Map<String, byte[]> seeds() {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put(
        "digits",
        ProblemSpec.classification(
                new SampleShape.Vector(64), 10, ProblemLimits.of(100_000, 100_000, 1 << 20))
            .encode());
    seeds.put(
        "mnist-images",
        ProblemSpec.classification(
                new SampleShape.Image(1, 28, 28),
                10,
                new ProblemLimits(200_000, 2_000_000, EnumSet.allOf(LayerType.class), 4 << 20))
            .encode());
    seeds.put(
        "regression",
        ProblemSpec.regression(new SampleShape.Vector(5), 2, ProblemLimits.of(1_000, 1_000, 9_999))
            .encode());
    return seeds;
  }

  @Test
  void seedsDecodeAndAreSaved() {
    for (byte[] seed : seeds().values()) {
      assertTrue(ProblemSpec.decode(seed).isOk());
      decode(seed);
    }
    FuzzInputs.sync(getClass(), "decode", seeds());
  }
}
