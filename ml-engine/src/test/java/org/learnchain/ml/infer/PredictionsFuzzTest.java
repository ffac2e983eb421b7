package org.learnchain.ml.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.fuzz.FuzzInputs;
import org.learnchain.crypto.fuzz.ThreadAllocations;
import org.learnchain.ml.Result;
import org.learnchain.ml.spec.Task;

/**
 * Fuzzes {@link Predictions#decode}, run by every node on each miner's gossiped prediction commit
 * and again in block verification. The contract checked: predictions or a one-line reason, never an
 * exception; allocation in proportion to the input whatever counts it claims; accepted predictions
 * are canonical (they encode to the same bytes, which are what the miner signed and the score is
 * computed from), their labels are in range, and the shape check against a task answers without
 * throwing.
 */
class PredictionsFuzzTest {
  static final int MAX_COUNT = 10_000;
  static final int MAX_WIDTH = 64;

  @FuzzTest(maxDuration = "3m")
  void decode(byte[] bytes) {
    Result<Predictions> r =
        ThreadAllocations.bounded(
            bytes.length, () -> Predictions.decode(bytes, MAX_COUNT, MAX_WIDTH));
    if (r.isOk()) {
      Predictions p = r.value();
      assertArrayEquals(bytes, p.encode(), "accepted non-canonical predictions");
      assertTrue(p.count() <= MAX_COUNT && p.width() <= MAX_WIDTH);
      if (p.isClassification()) {
        for (int i = 0; i < p.count(); i++) {
          assertTrue(p.label(i) >= 0 && p.label(i) < p.width());
        }
      }
      Task task =
          p.isClassification()
              ? new Task.Classification(p.width())
              : new Task.Regression(p.width());
      assertTrue(p.checkShape(task, p.count()).isOk());
      assertEquals(p, Predictions.decode(p.encode(), MAX_COUNT, MAX_WIDTH).value());
    } else {
      assertFalse(r.reason().isBlank());
      assertFalse(r.reason().contains("\n"), r.reason());
    }
  }

  static Map<String, byte[]> seeds() {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put(
        "classification",
        Predictions.classification(3, new float[] {0.1f, 0.7f, 0.2f, 0.5f, 0.25f, 0.25f}).encode());
    seeds.put("regression", Predictions.regression(2, new float[] {1.5f, -2f, 0f, 3e-3f}).encode());
    return seeds;
  }

  @Test
  void seedsDecodeAndAreSaved() {
    for (byte[] seed : seeds().values()) {
      assertTrue(Predictions.decode(seed, MAX_COUNT, MAX_WIDTH).isOk());
      decode(seed);
    }
    FuzzInputs.sync(getClass(), "decode", seeds());
  }
}
