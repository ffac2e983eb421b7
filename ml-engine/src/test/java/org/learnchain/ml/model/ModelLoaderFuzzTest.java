package org.learnchain.ml.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.learnchain.ml.Result;
import org.learnchain.ml.fuzz.FuzzInputs;
import org.learnchain.ml.fuzz.ThreadAllocations;
import org.learnchain.ml.spec.ProblemLimits;
import org.learnchain.ml.spec.ProblemSpec;
import org.learnchain.ml.spec.SampleShape;

/**
 * Fuzzes {@link ModelLoader#load} with untrusted model bytes (a block's model, another miner's),
 * under a small problem whose limits a fuzzer can reach. The contract checked: a loaded model or a
 * one-line reason, never an exception; the checks before the network is built ({@link
 * ModelLoader#check}: size, zip container, canonical form, configuration, parameters) allocate in
 * proportion to the input or the problem's limits, never to sizes the zip or the configuration
 * claim; an accepted model is within the problem's limits, is canonical, and its hash is the hash
 * of the bytes as received.
 */
class ModelLoaderFuzzTest {
  static final ProblemSpec SPEC =
      ProblemSpec.classification(
          new SampleShape.Vector(8), 3, ProblemLimits.of(500, 1_000, 32 * 1024));

  /** One float array of at most the parameter limit, plus the configuration's object graph. */
  static final long CHECK_SLACK = 4L * SPEC.limits().maxParameters() + (8L << 20);

  @FuzzTest(maxDuration = "3m")
  void load(byte[] bytes) {
    Result<ModelLoader.Checked> checked =
        ThreadAllocations.bounded(
            ThreadAllocations.budget(bytes.length) + CHECK_SLACK,
            bytes.length,
            () -> ModelLoader.check(bytes, SPEC));
    Result<LoadedModel> r = ModelLoader.load(bytes, SPEC);
    assertEquals(checked.isOk() && r.isOk(), r.isOk(), "loaded a model its checks refuse");
    if (r.isOk()) {
      LoadedModel m = r.value();
      assertEquals(ModelCodec.hash(bytes), m.hash());
      assertTrue(m.architecture().parameters() <= SPEC.limits().maxParameters());
      assertTrue(m.architecture().multiplyAdds() <= SPEC.limits().maxMultiplyAdds());
      assertTrue(bytes.length <= SPEC.limits().maxModelBytes());
    } else {
      assertFalse(r.reason().isBlank());
      assertFalse(r.reason().contains("\n"), r.reason());
    }
  }

  static Map<String, byte[]> seeds() {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put("mlp-8-6-3", ModelCodec.serialize(TestNets.init(TestNets.mlp(8, 6, 3, 7))));
    seeds.put("mlp-8-20-3", ModelCodec.serialize(TestNets.init(TestNets.mlp(8, 20, 3, 7))));
    return seeds;
  }

  @Test
  void seedsLoadAndAreSaved() {
    Map<String, byte[]> seeds = seeds();
    assertTrue(ModelLoader.load(seeds.get("mlp-8-6-3"), SPEC).isOk());
    for (byte[] seed : seeds.values()) {
      load(seed);
    }
    FuzzInputs.sync(getClass(), "load", seeds);
  }
}
