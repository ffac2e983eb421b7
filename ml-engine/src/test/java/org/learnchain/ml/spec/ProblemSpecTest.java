package org.learnchain.ml.spec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.learnchain.ml.Result;

class ProblemSpecTest {
  private static final ProblemSpec DIGITS =
      ProblemSpec.classification(
          new SampleShape.Vector(64),
          10,
          new ProblemLimits(
              100_000, 200_000, EnumSet.of(LayerType.DENSE, LayerType.OUTPUT), 1 << 20));

  @Test
  void encodingIsStableByteForByte() {
    // The ledger stores these bytes and hashes them: a change here is a protocol change.
    String expected =
        "01"
            + "01"
            + "00000040"
            + "01"
            + "0000000a"
            + "01"
            + "00000000000186a0"
            + "0000000000030d40"
            + "0000000000100000"
            + "02"
            + "01"
            + "02";
    assertEquals(expected, HexFormat.of().formatHex(DIGITS.encode()));
  }

  @Test
  void roundTripsEveryShapeAndTask() {
    List<ProblemSpec> specs =
        List.of(
            DIGITS,
            ProblemSpec.classification(
                new SampleShape.Image(1, 28, 28),
                10,
                ProblemLimits.of(300_000, 5_000_000, 4 << 20)),
            ProblemSpec.regression(
                new SampleShape.Vector(3),
                2,
                new ProblemLimits(50, 50, Set.of(LayerType.OUTPUT), 10_000)));
    for (ProblemSpec spec : specs) {
      Result<ProblemSpec> decoded = ProblemSpec.decode(spec.encode());
      assertTrue(decoded.isOk(), () -> decoded.toString());
      assertEquals(spec, decoded.value());
      assertArrayEquals(spec.encode(), decoded.value().encode());
    }
  }

  @Test
  void everyTruncationAndAnyTrailingByteIsRejected() {
    byte[] enc = DIGITS.encode();
    for (int n = 0; n < enc.length; n++) {
      Result<ProblemSpec> r = ProblemSpec.decode(Arrays.copyOf(enc, n));
      assertFalse(r.isOk(), "prefix of " + n + " bytes accepted");
      assertTrue(r.reason().startsWith("malformed problem spec"), r.reason());
    }
    Result<ProblemSpec> trailing = ProblemSpec.decode(Arrays.copyOf(enc, enc.length + 1));
    assertEquals("malformed problem spec: 1 trailing bytes", trailing.reason());
  }

  @Test
  void rejectsNonCanonicalOrInvalidFields() {
    byte[] enc = DIGITS.encode();
    assertRejected(patch(enc, 0, 2), "unsupported problem spec version 2");
    assertRejected(patch(enc, 1, 9), "malformed problem spec: unknown input kind");
    assertRejected(patch(enc, 6, 3), "malformed problem spec: unknown task kind");
    // class count 1
    assertRejected(
        patch(enc, 10, 1), "malformed problem spec: class count must be in [2, 4096], got 1");
    // accuracy replaced by mean squared error on a classification task
    assertRejected(
        patch(enc, 11, 2),
        "malformed problem spec: a classification problem is scored by accuracy");
    assertRejected(patch(enc, 11, 7), "malformed problem spec: unknown metric code 7");
    // layer codes out of order: output(2) before dense(1)
    byte[] swapped = patch(patch(enc, enc.length - 2, 2), enc.length - 1, 1);
    assertRejected(swapped, "malformed problem spec: layer codes must be strictly ascending");
    // the same code twice
    assertRejected(
        patch(enc, enc.length - 1, 1),
        "malformed problem spec: layer codes must be strictly ascending");
    // only dense: a model needs an output layer
    byte[] onlyDense = Arrays.copyOf(enc, enc.length - 1);
    onlyDense[onlyDense.length - 2] = 1;
    assertRejected(onlyDense, "malformed problem spec: allowed layers must include output");
    // negative parameter limit
    byte[] negative = enc.clone();
    negative[12] = (byte) 0x80;
    assertTrue(ProblemSpec.decode(negative).reason().contains("maxParameters must be positive"));
    assertRejected(
        new byte[ProblemSpec.MAX_ENCODED_BYTES + 1], "problem spec of 257 bytes exceeds 256 bytes");
  }

  @Test
  void limitsAreCheckedAgainstChainCeilings() {
    ProblemLimits limits = DIGITS.limits();
    assertTrue(limits.exceeds(100_000, 200_000, 1 << 20, List.of("dense", "output")).isEmpty());
    assertEquals(
        "maxParameters 100000 exceeds the chain limit 99999",
        limits.exceeds(99_999, 200_000, 1 << 20, List.of("dense", "output")).orElseThrow());
    assertEquals(
        "layer type dense is not allowed by the chain",
        limits.exceeds(100_000, 200_000, 1 << 20, List.of("output", "convolution")).orElseThrow());
    assertThrows(
        IllegalArgumentException.class, () -> new ProblemLimits(1, 1, Set.of(LayerType.DENSE), 1));
  }

  private static byte[] patch(byte[] enc, int index, int value) {
    byte[] copy = enc.clone();
    copy[index] = (byte) value;
    return copy;
  }

  private static void assertRejected(byte[] bytes, String reason) {
    Result<ProblemSpec> r = ProblemSpec.decode(bytes);
    assertFalse(r.isOk());
    assertEquals(reason, r.reason());
  }
}
