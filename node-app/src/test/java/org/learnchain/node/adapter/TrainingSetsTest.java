package org.learnchain.node.adapter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.codec.CanonicalWriter;
import org.learnchain.ml.Result;
import org.learnchain.ml.data.BuiltinDatasets;
import org.learnchain.ml.data.Dataset;
import org.learnchain.ml.data.Inputs;
import org.learnchain.ml.data.Labels;
import org.learnchain.ml.spec.SampleShape;

class TrainingSetsTest {

  @Test
  void realDatasetRoundTripsToTheSameContent() {
    Dataset digits = BuiltinDatasets.digits().value().train();
    byte[] blob = TrainingSets.encode(digits);
    Result<Dataset> back = TrainingSets.decode(blob, 10_000);
    assertTrue(back.isOk(), () -> back.reason());
    assertEquals(digits.contentHash(), back.value().contentHash());
    assertArrayEquals(blob, TrainingSets.encode(back.value()), "one dataset, one encoding");
  }

  @Test
  void malformedBlobsAreRejectedWithAReason() {
    Dataset d =
        new Dataset(
            Inputs.of(new SampleShape.Vector(2), new float[] {1, 2, 3, 4}),
            Labels.Classes.of(2, new int[] {0, 1}));
    byte[] blob = TrainingSets.encode(d);
    assertFalse(TrainingSets.decode(Arrays.copyOf(blob, blob.length - 1), 10).isOk());
    byte[] trailing = Arrays.copyOf(blob, blob.length + 1);
    assertTrue(TrainingSets.decode(trailing, 10).reason().contains("malformed"));
    byte[] version = blob.clone();
    version[0] = 9;
    assertTrue(TrainingSets.decode(version, 10).reason().contains("version 9"));
    assertTrue(TrainingSets.decode(blob, 1).reason().contains("limit 1"), "sample limit");
    byte[] mismatched =
        new CanonicalWriter()
            .u8(TrainingSets.VERSION)
            .bytes(d.inputs().encode())
            .bytes(Labels.Classes.of(2, new int[] {0}).encode())
            .toByteArray();
    assertTrue(TrainingSets.decode(mismatched, 10).reason().contains("2 samples but 1 labels"));
  }
}
