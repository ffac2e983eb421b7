package org.learnchain.ml.infer;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.learnchain.ml.data.Inputs;
import org.learnchain.ml.model.LoadedModel;
import org.learnchain.ml.spec.Task;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Runs a model on inputs in bounded batches. */
public final class Predictor {
  /** Rows per forward pass: bounds the activations' memory whatever the test set's size. */
  static final int BATCH = 1024;

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
    float[] outputs = outputs(model.network(), inputs, task.outputWidth());
    return task instanceof Task.Classification
        ? Predictions.classification(task.outputWidth(), outputs)
        : Predictions.regression(task.outputWidth(), outputs);
  }

  /** Raw outputs, flat and row-major: {@code inputs.count() * width} floats. */
  public static float[] outputs(MultiLayerNetwork net, Inputs inputs, int width) {
    float[] out = new float[inputs.count() * width];
    for (int from = 0; from < inputs.count(); from += BATCH) {
      int to = Math.min(inputs.count(), from + BATCH);
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
      float[] batch = y.castTo(DataType.FLOAT).dup('c').data().asFloat();
      System.arraycopy(batch, 0, out, from * width, batch.length);
    }
    return out;
  }
}
