package org.learnchain.ml.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.learnchain.ml.Result;
import org.learnchain.ml.spec.LayerType;
import org.learnchain.ml.spec.ProblemLimits;
import org.learnchain.ml.spec.ProblemSpec;
import org.learnchain.ml.spec.Task;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationHardTanH;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftPlus;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * What a network configuration costs, computed from the configuration alone, before any parameter
 * is allocated: the layer sequence is walked from the problem's input shape, every layer's input
 * size is checked against the previous layer's output, and parameters and multiply-adds are counted
 * exactly.
 *
 * <p>Only the layer types of {@link LayerType} are understood, each by its exact DL4J class, and
 * only deterministic element-wise activations. The network always receives flat rows of the
 * problem's sample size; a convolutional first layer needs DL4J's feed-forward-to-CNN preprocessor,
 * and a dense layer after a convolutional one the CNN-to-feed-forward one.
 *
 * @param parameters trainable parameters (weights and biases)
 * @param multiplyAdds multiply-adds to infer one sample; a pooling window element counts as one
 * @param layers one line per layer, for logs
 */
public record Architecture(long parameters, long multiplyAdds, List<String> layers) {

  /** Most layers a model may have; deeper stacks are not what these problems need. */
  public static final int MAX_LAYERS = 32;

  private static final Set<Class<? extends IActivation>> HIDDEN_ACTIVATIONS =
      Set.of(
          ActivationIdentity.class,
          ActivationReLU.class,
          ActivationLReLU.class,
          ActivationTanH.class,
          ActivationSigmoid.class,
          ActivationELU.class,
          ActivationSoftPlus.class,
          ActivationHardTanH.class);

  public Architecture {
    layers = List.copyOf(layers);
  }

  /** The activation shape between layers: a flat vector, or channels x height x width. */
  private record Shape(long channels, long height, long width, boolean image) {
    static Shape vector(long n) {
      return new Shape(1, 1, n, false);
    }

    static Shape image(long c, long h, long w) {
      return new Shape(c, h, w, true);
    }

    long size() {
      return channels * height * width;
    }

    @Override
    public String toString() {
      return image ? channels + "x" + height + "x" + width : "vector(" + width + ")";
    }
  }

  /** Analyses {@code conf} for {@code spec}; the rejection names the first problem found. */
  public static Result<Architecture> analyze(MultiLayerConfiguration conf, ProblemSpec spec) {
    try {
      return walk(conf, spec);
    } catch (ArithmeticException e) {
      return Result.err("the model's size overflows a 64-bit count");
    }
  }

  private static Result<Architecture> walk(MultiLayerConfiguration conf, ProblemSpec spec) {
    ProblemLimits limits = spec.limits();
    List<NeuralNetConfiguration> confs = conf.getConfs();
    if (confs == null || confs.isEmpty()) {
      return Result.err("the configuration has no layers");
    }
    if (confs.size() > MAX_LAYERS) {
      return Result.err("the configuration has " + confs.size() + " layers, limit " + MAX_LAYERS);
    }
    if (conf.getBackpropType() != BackpropType.Standard) {
      return Result.err("only standard backpropagation networks are supported");
    }
    if (conf.getDataType() != DataType.FLOAT) {
      return Result.err("the network data type is " + conf.getDataType() + ", expected FLOAT");
    }
    Map<Integer, InputPreProcessor> pre = conf.getInputPreProcessors();
    for (Integer index : pre.keySet()) {
      if (index == null || index < 0 || index >= confs.size()) {
        return Result.err(
            "a preprocessor is attached to layer " + index + ", which does not exist");
      }
    }
    Shape shape = Shape.vector(spec.input().size());
    long params = 0;
    long macs = 0;
    List<String> summary = new ArrayList<>();
    for (int i = 0; i < confs.size(); i++) {
      NeuralNetConfiguration nnc = confs.get(i);
      if (nnc.getDataType() != null && nnc.getDataType() != DataType.FLOAT) {
        return Result.err("layer " + i + " has data type " + nnc.getDataType());
      }
      Layer layer = nnc.getLayer();
      if (layer == null) {
        return Result.err("layer " + i + " is empty");
      }
      LayerType type = typeOf(layer);
      if (type == null) {
        return Result.err(
            "layer "
                + i
                + " is a "
                + layer.getClass().getSimpleName()
                + ", which is not supported");
      }
      if (!limits.allows(type)) {
        return Result.err(
            "layer " + i + " is a " + type.id() + " layer, which this problem does not allow");
      }
      boolean last = i == confs.size() - 1;
      if ((type == LayerType.OUTPUT) != last) {
        return Result.err(
            last
                ? "the last layer must be an output layer"
                : "layer " + i + " is an output layer" + " but not the last");
      }

      InputPreProcessor p = pre.get(i);
      Result<Shape> afterPre = applyPreprocessor(i, p, shape);
      if (!afterPre.isOk()) {
        return Result.err(afterPre.reason());
      }
      shape = afterPre.value();

      String activationProblem = checkActivation(i, layer, type, spec);
      if (activationProblem != null) {
        return Result.err(activationProblem);
      }
      Result<long[]> cost =
          switch (type) {
            case DENSE, OUTPUT -> dense(i, layer, shape);
            case CONVOLUTION -> convolution(i, (ConvolutionLayer) layer, shape);
            case SUBSAMPLING -> pooling(i, (SubsamplingLayer) layer, shape);
          };
      if (!cost.isOk()) {
        return Result.err(cost.reason());
      }
      long[] c = cost.value();
      long layerParams = c[0];
      long declared = layer.initializer().numParams(layer);
      if (declared != layerParams) {
        return Result.err(
            "layer " + i + " needs " + declared + " parameters, expected " + layerParams);
      }
      params = Math.addExact(params, layerParams);
      macs = Math.addExact(macs, c[1]);
      Shape out = new Shape(c[2], c[3], c[4], c[5] == 1);
      summary.add(
          i + ": " + type.id() + " " + shape + " -> " + out + ", " + layerParams + " params");
      shape = out;
      // Stop as soon as a running total passes its limit: later layers only add to it.
      if (params > limits.maxParameters()) {
        return Result.err(
            "the model has more than "
                + limits.maxParameters()
                + " parameters (at least "
                + params
                + " by layer "
                + i
                + ")");
      }
      if (macs > limits.maxMultiplyAdds()) {
        return Result.err(
            "the model needs more than "
                + limits.maxMultiplyAdds()
                + " multiply-adds per sample (at least "
                + macs
                + " by layer "
                + i
                + ")");
      }
    }
    int width = spec.task().outputWidth();
    if (shape.size() != width || shape.image()) {
      return Result.err(
          "the model outputs " + shape + " but the problem needs " + width + " values per sample");
    }
    return Result.ok(new Architecture(params, macs, summary));
  }

  private static LayerType typeOf(Layer layer) {
    // Exact classes: subclasses (Deconvolution2D, Convolution1DLayer, ...) compute differently.
    Class<?> c = layer.getClass();
    if (c == DenseLayer.class) {
      return LayerType.DENSE;
    }
    if (c == OutputLayer.class) {
      return LayerType.OUTPUT;
    }
    if (c == ConvolutionLayer.class) {
      return LayerType.CONVOLUTION;
    }
    if (c == SubsamplingLayer.class) {
      return LayerType.SUBSAMPLING;
    }
    return null;
  }

  private static String checkActivation(int i, Layer layer, LayerType type, ProblemSpec spec) {
    if (!(layer instanceof BaseLayer base)) {
      return null; // pooling has no activation
    }
    if (base.getWeightNoise() != null) {
      return "layer " + i + " uses weight noise, which is not supported";
    }
    IActivation act = base.getActivationFn();
    if (act == null) {
      return "layer " + i + " has no activation function";
    }
    if (type == LayerType.OUTPUT) {
      // Outputs are compared with an absolute tolerance: classification outputs must be
      // probabilities (softmax), so they are bounded; regression outputs are compared relative
      // to their magnitude by the verifier.
      if (spec.task() instanceof Task.Classification) {
        return act.getClass() == ActivationSoftmax.class
            ? null
            : "the output layer of a classification model must use softmax";
      }
      return HIDDEN_ACTIVATIONS.contains(act.getClass())
          ? null
          : "the output layer uses an unsupported activation " + act.getClass().getSimpleName();
    }
    return HIDDEN_ACTIVATIONS.contains(act.getClass())
        ? null
        : "layer " + i + " uses an unsupported activation " + act.getClass().getSimpleName();
  }

  private static Result<Shape> applyPreprocessor(int i, InputPreProcessor p, Shape shape) {
    if (p == null) {
      return Result.ok(shape);
    }
    if (p.getClass() == FeedForwardToCnnPreProcessor.class) {
      FeedForwardToCnnPreProcessor f = (FeedForwardToCnnPreProcessor) p;
      Shape image = Shape.image(f.getNumChannels(), f.getInputHeight(), f.getInputWidth());
      if (shape.image()
          || f.getNumChannels() < 1
          || f.getInputHeight() < 1
          || f.getInputWidth() < 1
          || image.size() != shape.size()) {
        return Result.err(
            "layer " + i + " reshapes " + shape + " into an image " + image + " of another size");
      }
      return Result.ok(image);
    }
    if (p.getClass() == CnnToFeedForwardPreProcessor.class) {
      CnnToFeedForwardPreProcessor c = (CnnToFeedForwardPreProcessor) p;
      if (!shape.image()
          || c.getNumChannels() != shape.channels()
          || c.getInputHeight() != shape.height()
          || c.getInputWidth() != shape.width()
          || (c.getFormat() != null && c.getFormat() != CNN2DFormat.NCHW)) {
        return Result.err("layer " + i + " flattens an image that does not match " + shape);
      }
      return Result.ok(Shape.vector(shape.size()));
    }
    return Result.err(
        "layer " + i + " has an unsupported preprocessor " + p.getClass().getSimpleName());
  }

  /** {params, macs, outC, outH, outW, isImage} for a fully connected layer. */
  private static Result<long[]> dense(int i, Layer layer, Shape in) {
    org.deeplearning4j.nn.conf.layers.FeedForwardLayer ff =
        (org.deeplearning4j.nn.conf.layers.FeedForwardLayer) layer;
    if (in.image()) {
      return Result.err("layer " + i + " is fully connected but receives an image " + in);
    }
    if (layer instanceof DenseLayer d && d.hasLayerNorm()) {
      return Result.err("layer " + i + " uses layer normalisation, which is not supported");
    }
    long nIn = ff.getNIn();
    long nOut = ff.getNOut();
    if (nIn != in.size()) {
      return Result.err("layer " + i + " expects " + nIn + " inputs but receives " + in.size());
    }
    if (nOut < 1) {
      return Result.err("layer " + i + " has " + nOut + " outputs");
    }
    boolean bias = layer instanceof DenseLayer d ? d.hasBias() : ((OutputLayer) layer).hasBias();
    long weights = Math.multiplyExact(nIn, nOut);
    long params = Math.addExact(weights, bias ? nOut : 0);
    return Result.ok(new long[] {params, weights, 1, 1, nOut, 0});
  }

  private static Result<long[]> convolution(int i, ConvolutionLayer conv, Shape in) {
    if (!in.image()) {
      return Result.err("layer " + i + " is a convolution but receives " + in);
    }
    if (conv.getCnn2dDataFormat() != null && conv.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
      return Result.err("layer " + i + " uses a data format other than NCHW");
    }
    if (conv.getNIn() != in.channels()) {
      return Result.err(
          "layer " + i + " expects " + conv.getNIn() + " channels but receives " + in.channels());
    }
    long nOut = conv.getNOut();
    if (nOut < 1) {
      return Result.err("layer " + i + " has " + nOut + " filters");
    }
    Result<long[]> hw =
        window(
            i,
            in,
            conv.getKernelSize(),
            conv.getStride(),
            conv.getPadding(),
            conv.getDilation(),
            conv.getConvolutionMode());
    if (!hw.isOk()) {
      return hw;
    }
    long outH = hw.value()[0];
    long outW = hw.value()[1];
    long kernel =
        Math.multiplyExact(
            Math.multiplyExact((long) conv.getKernelSize()[0], conv.getKernelSize()[1]),
            in.channels());
    long weights = Math.multiplyExact(kernel, nOut);
    long params = Math.addExact(weights, conv.hasBias() ? nOut : 0);
    long macs = Math.multiplyExact(Math.multiplyExact(outH, outW), weights);
    return Result.ok(new long[] {params, macs, nOut, outH, outW, 1});
  }

  private static Result<long[]> pooling(int i, SubsamplingLayer pool, Shape in) {
    if (!in.image()) {
      return Result.err("layer " + i + " is a pooling layer but receives " + in);
    }
    if (pool.getCnn2dDataFormat() != null && pool.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
      return Result.err("layer " + i + " uses a data format other than NCHW");
    }
    if (pool.getPoolingType() != PoolingType.MAX && pool.getPoolingType() != PoolingType.AVG) {
      return Result.err("layer " + i + " uses " + pool.getPoolingType() + " pooling");
    }
    Result<long[]> hw =
        window(
            i,
            in,
            pool.getKernelSize(),
            pool.getStride(),
            pool.getPadding(),
            pool.getDilation(),
            pool.getConvolutionMode());
    if (!hw.isOk()) {
      return hw;
    }
    long outH = hw.value()[0];
    long outW = hw.value()[1];
    long macs =
        Math.multiplyExact(
            Math.multiplyExact(Math.multiplyExact(outH, outW), in.channels()),
            (long) pool.getKernelSize()[0] * pool.getKernelSize()[1]);
    return Result.ok(new long[] {0, macs, in.channels(), outH, outW, 1});
  }

  /** Output height and width of a 2D sliding window, as DL4J computes them. */
  private static Result<long[]> window(
      int i, Shape in, int[] k, int[] s, int[] p, int[] d, ConvolutionMode mode) {
    if (!pair(k) || !pair(s) || !pair(d) || p == null || p.length != 2) {
      return Result.err("layer " + i + " has a malformed kernel, stride, padding or dilation");
    }
    if (k[0] < 1 || k[1] < 1 || s[0] < 1 || s[1] < 1 || d[0] < 1 || d[1] < 1) {
      return Result.err("layer " + i + " has a non-positive kernel, stride or dilation");
    }
    if (p[0] < 0 || p[1] < 0 || k[0] > 64 || k[1] > 64 || d[0] > 16 || d[1] > 16) {
      return Result.err("layer " + i + " has an out-of-range kernel, padding or dilation");
    }
    long[] out = new long[2];
    long[] size = {in.height(), in.width()};
    for (int a = 0; a < 2; a++) {
      long effective = (long) k[a] + (long) (k[a] - 1) * (d[a] - 1);
      if (mode == ConvolutionMode.Same) {
        out[a] = (size[a] + s[a] - 1) / s[a];
      } else if (mode == ConvolutionMode.Truncate || mode == ConvolutionMode.Strict) {
        long span = size[a] + 2L * p[a] - effective;
        if (span < 0) {
          return Result.err("layer " + i + " has a window larger than its input " + in);
        }
        if (mode == ConvolutionMode.Strict && span % s[a] != 0) {
          return Result.err("layer " + i + " uses strict mode but its stride does not fit " + in);
        }
        out[a] = span / s[a] + 1;
      } else {
        return Result.err("layer " + i + " uses convolution mode " + mode);
      }
    }
    return Result.ok(out);
  }

  private static boolean pair(int[] a) {
    return a != null && a.length == 2;
  }
}
