package org.learnchain.ml.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.learnchain.ml.data.Inputs;
import org.learnchain.ml.spec.ProblemLimits;
import org.learnchain.ml.spec.ProblemSpec;
import org.learnchain.ml.spec.SampleShape;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class StandardizerTest {

  @Test
  void foldingIntoADenseFirstLayerPreservesOutputs() {
    SampleShape shape = new SampleShape.Vector(6);
    ProblemSpec spec =
        ProblemSpec.classification(shape, 3, ProblemLimits.of(10_000, 10_000, 1 << 20));
    assertFoldExact(spec, new ModelFamily.Mlp(1, 16), shape);
  }

  @Test
  void foldingIntoAConvolutionPreservesOutputs() {
    SampleShape shape = new SampleShape.Image(2, 10, 10);
    ProblemSpec spec =
        ProblemSpec.classification(shape, 4, ProblemLimits.of(100_000, 1_000_000, 1 << 20));
    assertFoldExact(spec, new ModelFamily.Cnn(3, 8), shape);
  }

  @Test
  void foldingTargetsIntoARegressionOutputLayer() {
    SampleShape shape = new SampleShape.Vector(3);
    ProblemSpec spec = ProblemSpec.regression(shape, 2, ProblemLimits.of(10_000, 10_000, 1 << 20));
    MultiLayerNetwork net = new MultiLayerNetwork(new ModelFamily.Mlp(1, 8).build(spec, 1e-3, 5));
    net.init();
    float[] targets = {10f, -200f, 12f, -180f, 14f, -220f};
    Standardizer scaler = Standardizer.fit(targets, 3, 2, 1);
    INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 3);
    float[] before = net.output(x).dup('c').data().asFloat();
    scaler.foldIntoOutputLayer(net);
    float[] after = net.output(x).dup('c').data().asFloat();
    for (int i = 0; i < before.length; i++) {
      double expected = scaler.unapply(before[i], i % 2);
      assertEquals(expected, after[i], 1e-3 * Math.max(1, Math.abs(expected)));
    }
  }

  /** The net on standardised inputs equals the folded net on raw inputs. */
  private static void assertFoldExact(ProblemSpec spec, ModelFamily family, SampleShape shape) {
    MultiLayerNetwork net = new MultiLayerNetwork(family.build(spec, 1e-3, 9));
    net.init();
    int n = 20;
    float[] raw = new float[n * shape.size()];
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < raw.length; i++) {
      // Per-feature offsets and scales far from 0 and 1, so the fold has work to do.
      raw[i] = (float) (50 + (i % shape.size()) * 3 + random.nextGaussian() * (1 + i % 5));
    }
    Inputs inputs = Inputs.of(shape, raw);
    Standardizer scaler = Standardizer.fit(inputs);
    long[] dims = {n, shape.size()};
    float[] before =
        net.output(Nd4j.create(scaler.apply(raw), dims, 'c')).dup('c').data().asFloat();
    scaler.foldIntoFirstLayer(net);
    float[] after = net.output(Nd4j.create(raw, dims, 'c')).dup('c').data().asFloat();
    double worst = 0;
    for (int i = 0; i < before.length; i++) {
      worst = Math.max(worst, Math.abs(before[i] - after[i]));
    }
    assertTrue(worst < 1e-4, "largest output difference " + worst);
  }
}
