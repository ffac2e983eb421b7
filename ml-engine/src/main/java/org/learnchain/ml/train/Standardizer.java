package org.learnchain.ml.train;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.learnchain.ml.data.Inputs;
import org.learnchain.ml.spec.SampleShape;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Input standardisation that ends up inside the model. Training sees {@code (x - mean) / scale};
 * afterwards the affine map is folded into the first layer's weights and bias, so the published
 * model takes raw inputs and needs no separate normaliser (which every verifier would otherwise
 * have to agree on). Vectors are standardised per feature, images per channel; a convolution
 * without padding sees only real pixels, so the fold is exact for it too.
 *
 * <p>Regression targets are standardised the same way and the inverse folded into the output layer.
 */
final class Standardizer {
  private final double[] mean;
  private final double[] scale;

  /** Features per statistic: 1 for per-feature, height*width for per-channel. */
  private final int block;

  private Standardizer(double[] mean, double[] scale, int block) {
    this.mean = mean;
    this.scale = scale;
    this.block = block;
  }

  /** Statistics of {@code inputs}: per channel for images, per feature otherwise. */
  static Standardizer fit(Inputs inputs) {
    int width = inputs.width();
    int block = inputs.shape() instanceof SampleShape.Image im ? im.height() * im.width() : 1;
    return fit(inputs.toArray(), inputs.count(), width, block);
  }

  /** Statistics of {@code width}-wide rows, grouped in runs of {@code block} features. */
  static Standardizer fit(float[] rows, int count, int width, int block) {
    int groups = width / block;
    double[] sum = new double[groups];
    double[] sumSq = new double[groups];
    for (int r = 0; r < count; r++) {
      int base = r * width;
      for (int j = 0; j < width; j++) {
        double v = rows[base + j];
        sum[j / block] += v;
        sumSq[j / block] += v * v;
      }
    }
    double n = (double) count * block;
    double[] mean = new double[groups];
    double[] sd = new double[groups];
    double meanSd = 0;
    for (int g = 0; g < groups; g++) {
      mean[g] = sum[g] / n;
      sd[g] = Math.sqrt(Math.max(0, sumSq[g] / n - mean[g] * mean[g]));
      meanSd += sd[g] / groups;
    }
    // Images: a nearly constant channel would be blown up by a tiny deviation (and with it any
    // noise in a test sample); floor the scale at a small share of the typical one, and use 1
    // when every channel is constant.
    double floor = meanSd > 0 ? 0.05 * meanSd : 1.0;
    double[] scale = new double[groups];
    for (int g = 0; g < groups; g++) {
      if (block == 1) {
        // Per-feature statistics of a table: features have their own units (an area in the
        // hundreds beside a ratio in thousandths), so a floor shared across features would
        // flatten the small-unit ones to nothing, which cost logistic regression three points
        // on breast-cancer. Only a (numerically) constant feature is left unscaled.
        scale[g] = sd[g] > 1e-6 * (1 + Math.abs(mean[g])) ? sd[g] : 1.0;
      } else {
        scale[g] = Math.max(sd[g], floor);
      }
    }
    return new Standardizer(mean, scale, block);
  }

  /** {@code (x - mean) / scale} of every row, as a new array. */
  float[] apply(float[] rows) {
    float[] out = new float[rows.length];
    int width = mean.length * block;
    for (int i = 0; i < rows.length; i++) {
      int g = (i % width) / block;
      out[i] = (float) ((rows[i] - mean[g]) / scale[g]);
    }
    return out;
  }

  /** The inverse map for targets: {@code y * scale + mean}. */
  double unapply(double v, int feature) {
    int g = feature / block;
    return v * scale[g] + mean[g];
  }

  /**
   * Folds the input map into layer 0 of {@code net}: for a dense layer {@code W[i][o] /= s(i)} and
   * {@code b[o] -= sum_i m(i)/s(i) W[i][o]}; for a convolution the same per input channel over the
   * whole kernel.
   */
  void foldIntoFirstLayer(MultiLayerNetwork net) {
    Layer first = net.getLayer(0);
    INDArray w = first.getParam("W");
    INDArray b = first.getParam("b");
    double[] bias = b.dup().data().asDouble();
    if (w.rank() == 2) {
      long nIn = w.size(0);
      long nOut = w.size(1);
      double[][] m = w.toDoubleMatrix();
      for (int i = 0; i < nIn; i++) {
        int g = i / block;
        for (int o = 0; o < nOut; o++) {
          double folded = m[i][o] / scale[g];
          bias[o] -= mean[g] * folded;
          m[i][o] = folded;
        }
      }
      first.setParam("W", Nd4j.create(m).castTo(DataType.FLOAT));
    } else {
      // [nOut, nIn, kH, kW]; here a statistic is one channel (block = h*w of the image).
      long nOut = w.size(0);
      long nIn = w.size(1);
      long kh = w.size(2);
      long kw = w.size(3);
      INDArray folded = w.dup('c');
      for (int o = 0; o < nOut; o++) {
        for (int c = 0; c < nIn; c++) {
          double shift = 0;
          for (int y = 0; y < kh; y++) {
            for (int x = 0; x < kw; x++) {
              double v = w.getDouble(o, c, y, x) / scale[c];
              shift += v;
              folded.putScalar(new long[] {o, c, y, x}, v);
            }
          }
          bias[o] -= mean[c] * shift;
        }
      }
      first.setParam("W", folded);
    }
    first.setParam("b", Nd4j.create(bias, b.shape()).castTo(DataType.FLOAT));
  }

  /**
   * Folds the inverse target map into the output layer: {@code W[i][o] *= s(o)} and {@code b[o] =
   * b[o] * s(o) + m(o)}.
   */
  void foldIntoOutputLayer(MultiLayerNetwork net) {
    Layer out = net.getLayer(net.getnLayers() - 1);
    INDArray w = out.getParam("W");
    INDArray b = out.getParam("b");
    double[][] m = w.toDoubleMatrix();
    double[] bias = b.dup().data().asDouble();
    for (int o = 0; o < bias.length; o++) {
      for (double[] row : m) {
        row[o] *= scale[o];
      }
      bias[o] = bias[o] * scale[o] + mean[o];
    }
    out.setParam("W", Nd4j.create(m).castTo(DataType.FLOAT));
    out.setParam("b", Nd4j.create(bias, b.shape()).castTo(DataType.FLOAT));
  }
}
