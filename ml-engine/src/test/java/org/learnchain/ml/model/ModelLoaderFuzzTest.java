package org.learnchain.ml.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.fuzz.FuzzInputs;
import org.learnchain.crypto.fuzz.ThreadAllocations;
import org.learnchain.ml.Result;
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

  /**
   * The same contract for models whose container is well formed: the input is a configuration
   * (after a 2-byte length) and the coefficients (the rest), zipped canonically here. A fuzzer
   * mutating whole model files rarely gets past the zip's checksums and canonical form; this target
   * spends its time in the configuration guard, DL4J's parser, the architecture limits and the
   * parameter parser.
   */
  @FuzzTest(maxDuration = "3m")
  void loadEntries(byte[] data) {
    if (data.length < 2) {
      return;
    }
    int len = Math.min(((data[0] & 0xff) << 8) | (data[1] & 0xff), data.length - 2);
    byte[] configuration = Arrays.copyOfRange(data, 2, 2 + len);
    byte[] coefficients = Arrays.copyOfRange(data, 2 + len, data.length);
    load(ModelArchive.of(configuration, coefficients).toCanonicalBytes());
  }

  static byte[] entries(byte[] model) {
    ModelArchive a = ModelArchive.read(model, SPEC.limits().maxModelBytes()).value();
    byte[] configuration = a.configurationJson().getBytes(StandardCharsets.UTF_8);
    byte[] coefficients = a.coefficients();
    byte[] out = new byte[2 + configuration.length + coefficients.length];
    out[0] = (byte) (configuration.length >>> 8);
    out[1] = (byte) configuration.length;
    System.arraycopy(configuration, 0, out, 2, configuration.length);
    System.arraycopy(coefficients, 0, out, 2 + configuration.length, coefficients.length);
    return out;
  }

  static Map<String, byte[]> entrySeeds() {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds().forEach((name, model) -> seeds.put(name, entries(model)));
    return seeds;
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
    for (byte[] seed : entrySeeds().values()) {
      loadEntries(seed);
    }
    FuzzInputs.sync(getClass(), "load", seeds);
    FuzzInputs.sync(getClass(), "loadEntries", entrySeeds());
  }
}
