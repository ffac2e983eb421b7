package org.learnchain.ml.train;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.learnchain.ml.spec.ProblemSpec;
import org.learnchain.ml.spec.SampleShape;
import org.learnchain.ml.spec.Task;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/** A kind of network the trainer can build for a problem. */
sealed interface ModelFamily permits ModelFamily.Mlp, ModelFamily.Cnn {

  /** A short name for logs and progress, for example {@code mlp-2x128}. */
  String name();

  /** Whether the family applies to this input shape at all. */
  boolean suits(SampleShape shape);

  /**
   * The configuration for {@code spec}: seeded weights, Adam from the learning rate decaying per
   * epoch, L2 weight decay, optional class weights in the loss.
   */
  MultiLayerConfiguration build(ProblemSpec spec, Hyper hyper, long seed);

  /** With the image defaults (decay {@link #LEARNING_RATE_DECAY}, L2 {@link #L2}). */
  default MultiLayerConfiguration build(ProblemSpec spec, double learningRate, long seed) {
    return build(spec, new Hyper(learningRate, LEARNING_RATE_DECAY, L2, null), seed);
  }

  /**
   * Training settings of one candidate.
   *
   * @param learningRate Adam's initial step size
   * @param decayPerEpoch factor applied to the learning rate after every epoch
   * @param l2 L2 penalty on weights (not biases)
   * @param classWeights per-class weights of the cross-entropy, or null for equal weights
   */
  record Hyper(double learningRate, double decayPerEpoch, double l2, float[] classWeights) {}

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
    public MultiLayerConfiguration build(ProblemSpec spec, Hyper hyper, long seed) {
      NeuralNetConfiguration.ListBuilder list = base(hyper, seed).list();
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
      list.layer(output(spec, in, hyper));
      return list.build();
    }
  }

  /**
   * A small convolutional network: one ReLU convolution of {@code filters} filters (5x5 with stride
   * 2 on images of side 20 or more, 3x3 with stride 1 on smaller ones), a ReLU dense layer of
   * {@code dense} units, then the output layer.
   *
   * <p>Why this shape, measured on MNIST with DL4J's CPU backend on two busy cores: a strided
   * convolution instead of convolution plus 2x2 max pooling trained about twice as fast per epoch
   * and ran inference about three times as fast (verifiers re-run the model) for the same accuracy
   * per epoch; a second convolution more than doubled the epoch time for less accuracy at equal
   * wall time. The convolution has no padding (truncate mode), which keeps input standardisation
   * foldable into it.
   */
  record Cnn(int filters, int dense, boolean pooled) implements ModelFamily {
    /** The strided variant (no pooling). */
    Cnn(int filters, int dense) {
      this(filters, dense, false);
    }

    @Override
    public String name() {
      return "cnn-" + filters + "-" + dense + (pooled ? "-pool" : "");
    }

    @Override
    public boolean suits(SampleShape shape) {
      return shape instanceof SampleShape.Image im && im.height() >= 6 && im.width() >= 6;
    }

    @Override
    public MultiLayerConfiguration build(ProblemSpec spec, Hyper hyper, long seed) {
      SampleShape.Image im = (SampleShape.Image) spec.input();
      boolean large = Math.min(im.height(), im.width()) >= 20;
      int kernel = large ? 5 : 3;
      // Pooled: stride 1, then 2x2 max pooling (finer features, more multiply-adds).
      int stride = large && !pooled ? 2 : 1;
      NeuralNetConfiguration.ListBuilder list = base(hyper, seed).list();
      list.layer(
          new ConvolutionLayer.Builder(kernel, kernel)
              .stride(stride, stride)
              .nOut(filters)
              .activation(Activation.RELU)
              .weightInit(WeightInit.RELU)
              .build());
      if (pooled) {
        list.layer(
            new org.deeplearning4j.nn.conf.layers.SubsamplingLayer.Builder(
                    org.deeplearning4j.nn.conf.layers.SubsamplingLayer.PoolingType.MAX)
                .kernelSize(2, 2)
                .stride(2, 2)
                .build());
      }
      list.layer(
          new DenseLayer.Builder()
              .nOut(dense)
              .activation(Activation.RELU)
              .weightInit(WeightInit.RELU)
              .build());
      list.layer(output(spec, 0, hyper));
      list.setInputType(InputType.convolutionalFlat(im.height(), im.width(), im.channels()));
      return list.build();
    }
  }

  /** Per-epoch decay of the learning rate; the trainer advances DL4J's epoch counter. */
  double LEARNING_RATE_DECAY = 0.9;

  /** L2 weight decay: on MNIST it was worth about half a point of accuracy for MLPs. */
  double L2 = 1e-4;

  private static NeuralNetConfiguration.Builder base(Hyper hyper, long seed) {
    return new NeuralNetConfiguration.Builder()
        .seed(seed)
        .dataType(DataType.FLOAT)
        .l2(hyper.l2())
        .updater(
            new Adam(
                new ExponentialSchedule(
                    ScheduleType.EPOCH, hyper.learningRate(), hyper.decayPerEpoch())));
  }

  /** Softmax with cross-entropy for classification, identity with squared error otherwise. */
  private static OutputLayer output(ProblemSpec spec, long nIn, Hyper hyper) {
    boolean classification = spec.task() instanceof Task.Classification;
    OutputLayer.Builder b = new OutputLayer.Builder();
    if (classification && hyper.classWeights() != null) {
      b.lossFunction(
          new LossMCXENT(
              Nd4j.create(hyper.classWeights(), new long[] {1, hyper.classWeights().length})));
    } else {
      b.lossFunction(
          classification ? LossFunctions.LossFunction.MCXENT : LossFunctions.LossFunction.MSE);
    }
    b.nOut(spec.task().outputWidth())
        .activation(classification ? Activation.SOFTMAX : Activation.IDENTITY)
        .weightInit(WeightInit.XAVIER);
    if (nIn > 0) {
      b.nIn(nIn);
    }
    return b.build();
  }
}
