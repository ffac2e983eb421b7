package org.learnchain.ml.train;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.learnchain.ml.spec.ProblemSpec;
import org.learnchain.ml.spec.SampleShape;
import org.learnchain.ml.spec.Task;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/** A kind of network the trainer can build for a problem. */
sealed interface ModelFamily permits ModelFamily.Mlp, ModelFamily.Cnn {

  /** A short name for logs and progress, for example {@code mlp-2x128}. */
  String name();

  /** Whether the family applies to this input shape at all. */
  boolean suits(SampleShape shape);

  /**
   * The configuration for {@code spec}: seeded weights, Adam from {@code learningRate} decaying per
   * epoch, L2 weight decay.
   */
  MultiLayerConfiguration build(ProblemSpec spec, double learningRate, long seed);

  /**
   * A multilayer perceptron: {@code depth} ReLU layers of {@code width} units (none: a linear
   * softmax or linear regression), then the output layer.
   */
  record Mlp(int depth, int width) implements ModelFamily {
    @Override
    public String name() {
      return depth == 0 ? "linear" : "mlp-" + depth + "x" + width;
    }

    @Override
    public boolean suits(SampleShape shape) {
      return true;
    }

    @Override
    public MultiLayerConfiguration build(ProblemSpec spec, double learningRate, long seed) {
      NeuralNetConfiguration.ListBuilder list = base(learningRate, seed).list();
      long in = spec.input().size();
      for (int i = 0; i < depth; i++) {
        list.layer(
            new DenseLayer.Builder()
                .nIn(in)
                .nOut(width)
                .activation(Activation.RELU)
                .weightInit(WeightInit.RELU)
                .build());
        in = width;
      }
      list.layer(output(spec, in));
      return list.build();
    }
  }

  /**
   * A small convolutional network: a ReLU convolution of {@code filters} filters, 2x2 max pooling
   * when the image is large enough, a second convolution of twice the filters for large images, a
   * ReLU dense layer of {@code dense} units, then the output layer. Convolutions use DL4J's
   * truncate mode (no padding), which keeps input standardisation foldable into the first layer.
   */
  record Cnn(int filters, int dense) implements ModelFamily {
    @Override
    public String name() {
      return "cnn-" + filters + "-" + dense;
    }

    @Override
    public boolean suits(SampleShape shape) {
      return shape instanceof SampleShape.Image im && im.height() >= 6 && im.width() >= 6;
    }

    @Override
    public MultiLayerConfiguration build(ProblemSpec spec, double learningRate, long seed) {
      SampleShape.Image im = (SampleShape.Image) spec.input();
      int side = Math.min(im.height(), im.width());
      int kernel = side >= 20 ? 5 : 3;
      NeuralNetConfiguration.ListBuilder list = base(learningRate, seed).list();
      list.layer(
          new ConvolutionLayer.Builder(kernel, kernel)
              .nOut(filters)
              .activation(Activation.RELU)
              .weightInit(WeightInit.RELU)
              .build());
      if (side - kernel + 1 >= 4) {
        list.layer(maxPool());
      }
      list.layer(
          new DenseLayer.Builder()
              .nOut(dense)
              .activation(Activation.RELU)
              .weightInit(WeightInit.RELU)
              .build());
      list.layer(output(spec, 0));
      list.setInputType(InputType.convolutionalFlat(im.height(), im.width(), im.channels()));
      return list.build();
    }

    private static SubsamplingLayer maxPool() {
      return new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
          .kernelSize(2, 2)
          .stride(2, 2)
          .build();
    }
  }

  /** Per-epoch decay of the learning rate; the trainer advances DL4J's epoch counter. */
  double LEARNING_RATE_DECAY = 0.9;

  /** L2 weight decay: on MNIST it was worth about half a point of accuracy for MLPs. */
  double L2 = 1e-4;

  private static NeuralNetConfiguration.Builder base(double learningRate, long seed) {
    return new NeuralNetConfiguration.Builder()
        .seed(seed)
        .dataType(DataType.FLOAT)
        .l2(L2)
        .updater(
            new Adam(
                new ExponentialSchedule(ScheduleType.EPOCH, learningRate, LEARNING_RATE_DECAY)));
  }

  /** Softmax with cross-entropy for classification, identity with squared error otherwise. */
  private static OutputLayer output(ProblemSpec spec, long nIn) {
    boolean classification = spec.task() instanceof Task.Classification;
    OutputLayer.Builder b =
        new OutputLayer.Builder(
                classification ? LossFunctions.LossFunction.MCXENT : LossFunctions.LossFunction.MSE)
            .nOut(spec.task().outputWidth())
            .activation(classification ? Activation.SOFTMAX : Activation.IDENTITY)
            .weightInit(WeightInit.XAVIER);
    if (nIn > 0) {
      b.nIn(nIn);
    }
    return b.build();
  }
}
