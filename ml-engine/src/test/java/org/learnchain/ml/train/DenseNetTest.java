package org.learnchain.ml.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.learnchain.ml.spec.ProblemLimits;
import org.learnchain.ml.spec.ProblemSpec;
import org.learnchain.ml.spec.SampleShape;
import org.nd4j.linalg.factory.Nd4j;

class DenseNetTest {

  /** Two noisy Gaussian blobs in 5 dimensions, classes 0 and 1, one-hot targets. */
  private static float[][] blobs(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n * 5];
    float[] y = new float[n * 2];
    for (int i = 0; i < n; i++) {
      int c = i % 2;
      for (int j = 0; j < 5; j++) {
        x[i * 5 + j] = (float) (r.nextGaussian() + (c == 1 ? 1.5 : -1.5) * (j < 2 ? 1 : 0));
      }
      y[i * 2 + c] = 1;
    }
    return new float[][] {x, y};
  }

  @Test
  void learnsAndTheDl4jCopyGivesTheSameOutputs() {
    for (int depth : new int[] {0, 2}) {
      float[][] data = blobs(200, 1);
      DenseNet net = new DenseNet(depth == 0 ? new int[] {5, 2} : new int[] {5, 8, 8, 2}, true, 3);
      int[] order = new int[200];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      for (int e = 0; e < 50; e++) {
        net.epoch(data[0], data[1], order, 32, 1e-2, 1e-3, null);
      }
      float[] out = net.predict(data[0]);
      int correct = 0;
      for (int i = 0; i < 200; i++) {
        if ((out[i * 2 + 1] > out[i * 2]) == (data[1][i * 2 + 1] > 0)) {
          correct++;
        }
      }
      assertTrue(correct >= 180, "training accuracy " + correct + "/200, depth " + depth);

      ProblemSpec spec =
          ProblemSpec.classification(
              new SampleShape.Vector(5), 2, ProblemLimits.of(10_000, 10_000, 1 << 20));
      MultiLayerNetwork dl =
          new MultiLayerNetwork(new ModelFamily.Mlp(depth, 8).build(spec, 1e-3, 5));
      dl.init();
      net.copyInto(dl);
      float[] viaDl4j =
          dl.output(Nd4j.create(data[0], new long[] {200, 5}, 'c')).dup('c').data().asFloat();
      assertArrayEquals(out, viaDl4j, 1e-5f);
    }
  }

  @Test
  void theSameSeedTrainsTheSameWeights() {
    float[][] data = blobs(100, 2);
    int[] order = new int[100];
    for (int i = 0; i < 100; i++) {
      order[i] = (i * 37) % 100;
    }
    DenseNet a = new DenseNet(new int[] {5, 16, 2}, true, 9);
    DenseNet b = new DenseNet(new int[] {5, 16, 2}, true, 9);
    for (int e = 0; e < 5; e++) {
      a.epoch(data[0], data[1], order, 16, 1e-2, 1e-4, new double[] {1, 2});
      b.epoch(data[0], data[1], order, 16, 1e-2, 1e-4, new double[] {1, 2});
    }
    assertArrayEquals(a.predict(data[0]), b.predict(data[0]));
  }
}
