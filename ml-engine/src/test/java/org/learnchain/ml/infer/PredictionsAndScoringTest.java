package org.learnchain.ml.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.learnchain.ml.data.Labels;
import org.learnchain.ml.spec.ProblemLimits;
import org.learnchain.ml.spec.ProblemSpec;
import org.learnchain.ml.spec.SampleShape;

class PredictionsAndScoringTest {
  private static final Predictions THREE =
      Predictions.classification(
          3, new float[] {0.7f, 0.2f, 0.1f, 0.1f, 0.1f, 0.8f, 0.4f, 0.4f, 0.2f, 0f, 1f, 0f});
  private static final ProblemSpec SPEC =
      ProblemSpec.classification(new SampleShape.Vector(2), 3, ProblemLimits.of(10, 10, 1000));

  @Test
  void labelsAreTheArgmaxWithTiesToTheLowestIndex() {
    assertEquals(0, THREE.label(0));
    assertEquals(2, THREE.label(1));
    assertEquals(0, THREE.label(2));
    assertEquals(1, THREE.label(3));
  }

  @Test
  void encodingIsStableAndRoundTrips() {
    Predictions one = Predictions.regression(1, new float[] {-0f, 2.5f});
    assertEquals(
        "01" + "02" + "00000001" + "00000002" + "00000000" + "40200000",
        HexFormat.of().formatHex(one.encode()));
    assertEquals(one, Predictions.decode(one.encode(), 10, 10).value());
    assertEquals(THREE, Predictions.decode(THREE.encode(), 4, 3).value());
    assertEquals(THREE.hash(), Predictions.decode(THREE.encode(), 4, 3).value().hash());
  }

  @Test
  void decodingRejectsHostileBytes() {
    byte[] enc = THREE.encode();
    for (int n = 0; n < enc.length; n++) {
      assertFalse(Predictions.decode(Arrays.copyOf(enc, n), 4, 3).isOk(), "prefix " + n);
    }
    assertEquals("predictions cover 4 samples, limit 3", Predictions.decode(enc, 3, 3).reason());
    assertEquals(
        "predictions have 3 outputs per sample, limit 2", Predictions.decode(enc, 4, 2).reason());
    byte[] badLabel = enc.clone();
    ByteBuffer.wrap(badLabel).putInt(10, 3);
    assertEquals(
        "label 3 of sample 0 is out of range", Predictions.decode(badLabel, 4, 3).reason());
    byte[] nan = enc.clone();
    ByteBuffer.wrap(nan).putInt(26, 0x7fc00000);
    assertEquals(
        "output 0 is not a finite canonical float", Predictions.decode(nan, 4, 3).reason());
    byte[] hugeCount = enc.clone();
    ByteBuffer.wrap(hugeCount).putInt(6, Integer.MAX_VALUE);
    assertEquals(
        "predictions declare 2147483647 samples of 3 but carry 64 bytes",
        Predictions.decode(hugeCount, Integer.MAX_VALUE, 3).reason());
  }

  @Test
  void accuracyAndMeanSquaredErrorComeFromCommittedValues() {
    Labels truth = Labels.Classes.of(3, new int[] {0, 2, 1, 1});
    assertEquals(0.75, Scoring.score(SPEC, THREE, truth).value());
    assertEquals(
        "predictions cover 4 samples, the test set has 3",
        Scoring.score(SPEC, THREE, Labels.Classes.of(3, new int[] {0, 1, 2})).reason());

    ProblemSpec regression =
        ProblemSpec.regression(new SampleShape.Vector(2), 2, ProblemLimits.of(10, 10, 1000));
    Predictions p = Predictions.regression(2, new float[] {1f, 2f, 3f, 4f});
    Labels targets = Labels.Values.of(2, new float[] {1f, 0f, 3f, 5f});
    // squared errors 0, 4, 0, 1 over 4 values
    assertEquals(1.25, Scoring.score(regression, p, targets).value());
    assertEquals(
        "predictions are for regression but the problem is not",
        Scoring.score(SPEC, Predictions.regression(3, new float[12]), truth).reason());
  }
}
