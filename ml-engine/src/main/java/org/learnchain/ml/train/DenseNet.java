package org.learnchain.ml.train;

import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A fully connected network (ReLU hidden layers, then softmax with cross-entropy or identity with
 * squared error) trained in plain Java with minibatch Adam, for tabular problems.
 *
 * <p>Why not DL4J's own {@code fit}: on small tables each DL4J step costs about a millisecond of
 * fixed overhead (ten on a loaded machine) whatever the model's size, so a 30-feature logistic
 * regression got through 150 epochs in a 30 s budget and stopped short of what scikit-learn reaches
 * in a second. Here a step costs what its arithmetic costs, so every candidate gets the thousands
 * of steps small sets need. The trained weights are copied into the DL4J network of the same shape
 * ({@link #copyInto}), which is what goes on chain and what verifiers run; the arithmetic here is
 * plain double-precision Java on one thread, so training is bit-identical on every CPU.
 */
final class DenseNet {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPSILON = 1e-8;

  private final int[] sizes;
  private final boolean softmax;
  private final double[][] w;
  private final double[][] b;
  // Adam moments.
  private final double[][] mw;
  private final double[][] vw;
  private final double[][] mb;
  private final double[][] vb;
  private long steps;

  /**
   * @param sizes units per layer, input first, output last
   * @param softmax classification (softmax, cross-entropy) or regression (identity, squared error)
   * @param seed initial weights: He-normal for ReLU layers, Xavier-normal for the output layer
   */
  DenseNet(int[] sizes, boolean softmax, long seed) {
    this.sizes = sizes.clone();
    this.softmax = softmax;
    int layers = sizes.length - 1;
    w = new double[layers][];
    b = new double[layers][];
    mw = new double[layers][];
    vw = new double[layers][];
    mb = new double[layers][];
    vb = new double[layers][];
    SplittableRandom random = new SplittableRandom(seed);
    for (int l = 0; l < layers; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      boolean output = l == layers - 1;
      double std = output ? Math.sqrt(2.0 / (in + out)) : Math.sqrt(2.0 / in);
      w[l] = new double[in * out];
      for (int i = 0; i < w[l].length; i++) {
        w[l][i] = random.nextGaussian() * std;
      }
      b[l] = new double[out];
      mw[l] = new double[in * out];
      vw[l] = new double[in * out];
      mb[l] = new double[out];
      vb[l] = new double[out];
    }
  }

  /** Multiply-adds of one forward pass of one sample. */
  long multiplyAdds() {
    long macs = 0;
    for (int l = 0; l + 1 < sizes.length; l++) {
      macs += (long) sizes[l] * sizes[l + 1];
    }
    return macs;
  }

  /**
   * One epoch of minibatch steps over {@code order}.
   *
   * @param x inputs, row-major, {@code sizes[0]} per sample
   * @param y one-hot targets or regression targets, row-major
   * @param classWeights per-class loss weights, or null
   */
  void epoch(
      float[] x,
      float[] y,
      int[] order,
      int batch,
      double learningRate,
      double l2,
      double[] classWeights) {
    for (int from = 0; from < order.length; from += batch) {
      int n = Math.min(batch, order.length - from);
      step(x, y, order, from, n, learningRate, l2, classWeights);
    }
  }

  private void step(
      float[] x,
      float[] y,
      int[] order,
      int from,
      int n,
      double learningRate,
      double l2,
      double[] classWeights) {
    int layers = sizes.length - 1;
    int inWidth = sizes[0];
    int outWidth = sizes[layers];
    double[][] acts = new double[layers + 1][];
    acts[0] = new double[n * inWidth];
    for (int r = 0; r < n; r++) {
      int src = order[from + r] * inWidth;
      for (int i = 0; i < inWidth; i++) {
        acts[0][r * inWidth + i] = x[src + i];
      }
    }
    for (int l = 0; l < layers; l++) {
      acts[l + 1] = layer(l, acts[l], n, l < layers - 1);
    }
    // Output deltas: d loss / d pre-activation, averaged over the minibatch.
    double[] delta = new double[n * outWidth];
    double[] out = acts[layers];
    for (int r = 0; r < n; r++) {
      int src = order[from + r] * outWidth;
      double weight = 1;
      if (softmax && classWeights != null) {
        for (int j = 0; j < outWidth; j++) {
          if (y[src + j] > 0) {
            weight = classWeights[j];
          }
        }
      }
      for (int j = 0; j < outWidth; j++) {
        delta[r * outWidth + j] = weight * (out[r * outWidth + j] - y[src + j]) / n;
      }
    }
    steps++;
    double c1 = 1 - Math.pow(BETA1, steps);
    double c2 = 1 - Math.pow(BETA2, steps);
    for (int l = layers - 1; l >= 0; l--) {
      int in = sizes[l];
      int o = sizes[l + 1];
      double[] a = acts[l];
      double[] gw = new double[in * o];
      double[] gb = new double[o];
      for (int r = 0; r < n; r++) {
        for (int j = 0; j < o; j++) {
          gb[j] += delta[r * o + j];
        }
        for (int i = 0; i < in; i++) {
          double ai = a[r * in + i];
          if (ai != 0) {
            int row = i * o;
            int dr = r * o;
            for (int j = 0; j < o; j++) {
              gw[row + j] += ai * delta[dr + j];
            }
          }
        }
      }
      double[] previous = null;
      if (l > 0) {
        previous = new double[n * in];
        double[] wl = w[l];
        for (int r = 0; r < n; r++) {
          for (int i = 0; i < in; i++) {
            if (a[r * in + i] <= 0) {
              continue; // ReLU's derivative
            }
            double s = 0;
            int row = i * o;
            int dr = r * o;
            for (int j = 0; j < o; j++) {
              s += wl[row + j] * delta[dr + j];
            }
            previous[r * in + i] = s;
          }
        }
      }
      adam(w[l], gw, mw[l], vw[l], learningRate, l2, c1, c2);
      adam(b[l], gb, mb[l], vb[l], learningRate, 0, c1, c2);
      delta = previous;
    }
  }

  private static void adam(
      double[] p, double[] g, double[] m, double[] v, double lr, double l2, double c1, double c2) {
    for (int i = 0; i < p.length; i++) {
      double gi = g[i] + l2 * p[i];
      m[i] = BETA1 * m[i] + (1 - BETA1) * gi;
      v[i] = BETA2 * v[i] + (1 - BETA2) * gi * gi;
      p[i] -= lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + EPSILON);
    }
  }

  /** One layer's activations for {@code n} samples. */
  private double[] layer(int l, double[] a, int n, boolean relu) {
    int in = sizes[l];
    int o = sizes[l + 1];
    double[] z = new double[n * o];
    double[] wl = w[l];
    double[] bl = b[l];
    for (int r = 0; r < n; r++) {
      int zr = r * o;
      System.arraycopy(bl, 0, z, zr, o);
      for (int i = 0; i < in; i++) {
        double ai = a[r * in + i];
        if (ai != 0) {
          int row = i * o;
          for (int j = 0; j < o; j++) {
            z[zr + j] += ai * wl[row + j];
          }
        }
      }
      if (relu) {
        for (int j = 0; j < o; j++) {
          if (z[zr + j] < 0) {
            z[zr + j] = 0;
          }
        }
      } else if (softmax) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < o; j++) {
          max = Math.max(max, z[zr + j]);
        }
        double sum = 0;
        for (int j = 0; j < o; j++) {
          z[zr + j] = Math.exp(z[zr + j] - max);
          sum += z[zr + j];
        }
        for (int j = 0; j < o; j++) {
          z[zr + j] /= sum;
        }
      }
    }
    return z;
  }

  /** Outputs (probabilities or values) for every sample of {@code x}, row-major. */
  float[] predict(float[] x) {
    int inWidth = sizes[0];
    int n = x.length / inWidth;
    int outWidth = sizes[sizes.length - 1];
    float[] result = new float[n * outWidth];
    int chunk = 256;
    for (int from = 0; from < n; from += chunk) {
      int m = Math.min(chunk, n - from);
      double[] a = new double[m * inWidth];
      for (int i = 0; i < a.length; i++) {
        a[i] = x[from * inWidth + i];
      }
      for (int l = 0; l + 1 < sizes.length; l++) {
        a = layer(l, a, m, l + 2 < sizes.length);
      }
      for (int i = 0; i < a.length; i++) {
        result[from * outWidth + i] = (float) a[i];
      }
    }
    return result;
  }

  /** A copy of the weights and biases, to keep the best epoch. */
  double[][] snapshot() {
    double[][] s = new double[2 * w.length][];
    for (int l = 0; l < w.length; l++) {
      s[2 * l] = w[l].clone();
      s[2 * l + 1] = b[l].clone();
    }
    return s;
  }

  void restore(double[][] s) {
    for (int l = 0; l < w.length; l++) {
      System.arraycopy(s[2 * l], 0, w[l], 0, w[l].length);
      System.arraycopy(s[2 * l + 1], 0, b[l], 0, b[l].length);
    }
  }

  /**
   * Copies the weights into {@code net}, a DL4J network of the same layer sizes (dense layers then
   * an output layer), as float32.
   */
  void copyInto(MultiLayerNetwork net) {
    if (net.getnLayers() != w.length) {
      throw new IllegalArgumentException(
          "the network has " + net.getnLayers() + " layers, this one " + w.length);
    }
    for (int l = 0; l < w.length; l++) {
      int in = sizes[l];
      int o = sizes[l + 1];
      float[][] wf = new float[in][o];
      for (int i = 0; i < in; i++) {
        for (int j = 0; j < o; j++) {
          wf[i][j] = (float) w[l][i * o + j];
        }
      }
      float[] bf = new float[o];
      for (int j = 0; j < o; j++) {
        bf[j] = (float) b[l][j];
      }
      net.getLayer(l).setParam("W", Nd4j.create(wf).castTo(DataType.FLOAT));
      net.getLayer(l).setParam("b", Nd4j.create(bf, new long[] {1, o}, 'c'));
    }
  }
}
