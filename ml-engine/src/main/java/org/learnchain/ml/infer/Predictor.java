package org.learnchain.ml.infer;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.learnchain.ml.data.Inputs;
import org.learnchain.ml.model.LoadedModel;
import org.learnchain.ml.spec.Task;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs a model on inputs in batches whose working memory is bounded, whatever the test set's size
 * and whatever the (limit-respecting) model: a layer's output and a convolution's unrolled input
 * never hold more floats per sample than the layer has multiply-adds, so rows per batch are chosen
 * from the model's multiply-adds per sample.
 */
public final class Predictor {
  /** Most rows per forward pass. */
  static final int MAX_BATCH = 1024;

  /** Floats of working memory per batch (128 MiB). */
  static final long BATCH_FLOATS = 32L << 20;

  private Predictor() {}

  /** The model's predictions on {@code inputs}, labels derived from outputs for classification. */
  public static Predictions predict(LoadedModel model, Inputs inputs) {
    if (inputs.width() != model.spec().input().size()) {
      throw new IllegalArgumentException(
          "inputs have "
              + inputs.width()
              + " features, the model takes "
              + model.spec().input().size());
    }
    Task task = model.spec().task();
    float[] outputs =
        outputs(
            model.network(),
            inputs,
            task.outputWidth(),
            batchSize(model.architecture().multiplyAdds()));
    return task instanceof Task.Classification
        ? Predictions.classification(task.outputWidth(), outputs)
        : Predictions.regression(task.outputWidth(), outputs);
  }

  /** Rows per batch for a model of {@code multiplyAdds} per sample. */
  public static int batchSize(long multiplyAdds) {
    return (int) Math.max(1, Math.min(MAX_BATCH, BATCH_FLOATS / Math.max(1, multiplyAdds)));
  }

  /** Raw outputs, flat and row-major: {@code inputs.count() * width} floats. */
  public static float[] outputs(MultiLayerNetwork net, Inputs inputs, int width, int batch) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be positive");
    }
    float[] out = new float[inputs.count() * width];
    for (int from = 0; from < inputs.count(); from += batch) {
      int to = Math.min(inputs.count(), from + batch);
      float[] rows = inputs.copyRows(from, to);
      INDArray x = Nd4j.create(rows, new long[] {to - from, inputs.width()}, 'c');
      INDArray y = net.output(x, false);
      if (y.rank() != 2 || y.size(0) != to - from || y.size(1) != width) {
        throw new IllegalStateException(
            "model output shape "
                + java.util.Arrays.toString(y.shape())
                + ", expected "
                + (to - from)
                + "x"
                + width);
      }
      float[] values = y.castTo(DataType.FLOAT).dup('c').data().asFloat();
      System.arraycopy(values, 0, out, from * width, values.length);
    }
    return out;
  }
}
