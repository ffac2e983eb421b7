package org.learnchain.ml.model;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.learnchain.ml.spec.ProblemLimits;
import org.learnchain.ml.spec.ProblemSpec;
import org.learnchain.ml.spec.SampleShape;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Small networks for model tests; untrained (seeded weights) is enough to test bytes. */
final class TestNets {
  private TestNets() {}

  static final ProblemSpec DIGITS =
      ProblemSpec.classification(
          new SampleShape.Vector(64), 10, ProblemLimits.of(100_000, 100_000, 1 << 20));

  static final ProblemSpec MNIST =
      ProblemSpec.classification(
          new SampleShape.Image(1, 28, 28), 10, ProblemLimits.of(200_000, 2_000_000, 4 << 20));

  static MultiLayerConfiguration mlp(int inputs, int hidden, int classes, long seed) {
    return new NeuralNetConfiguration.Builder()
        .seed(seed)
        .dataType(DataType.FLOAT)
        .updater(new Adam(1e-3))
        .weightInit(WeightInit.XAVIER)
        .list()
        .layer(
            new DenseLayer.Builder().nIn(inputs).nOut(hidden).activation(Activation.RELU).build())
        .layer(
            new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nIn(hidden)
                .nOut(classes)
                .activation(Activation.SOFTMAX)
                .build())
        .build();
  }

  static MultiLayerConfiguration cnn(int filters, long seed) {
    return new NeuralNetConfiguration.Builder()
        .seed(seed)
        .dataType(DataType.FLOAT)
        .updater(new Adam(1e-3))
        .weightInit(WeightInit.RELU)
        .list()
        .layer(new ConvolutionLayer.Builder(5, 5).nOut(filters).activation(Activation.RELU).build())
        .layer(
            new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                .kernelSize(2, 2)
                .stride(2, 2)
                .build())
        .layer(
            new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nOut(10)
                .activation(Activation.SOFTMAX)
                .build())
        .setInputType(InputType.convolutionalFlat(28, 28, 1))
        .build();
  }

  static MultiLayerNetwork init(MultiLayerConfiguration conf) {
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }
}
