package org.learnchain.ml.model;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.learnchain.crypto.Hash;
import org.learnchain.ml.Result;
import org.learnchain.ml.spec.ProblemLimits;
import org.learnchain.ml.spec.ProblemSpec;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads untrusted model bytes (another miner's model, a block's model) safely. In order, each step
 * only when the previous passed:
 *
 * <ol>
 *   <li>size: at most the problem's {@code maxModelBytes};
 *   <li>container: at most {@value ModelArchive#MAX_ENTRIES} entries, only the two expected names,
 *       declared sizes within limits, every entry read through a counting limit (zip bombs);
 *   <li>canonical form: the bytes are exactly the canonical zip of their entries;
 *   <li>configuration: bounded nesting and class names ({@link ConfigurationGuard}), parsed by
 *       DL4J, then checked against the problem ({@link Architecture}): layer types, shapes,
 *       parameter count, multiply-adds per sample;
 *   <li>parameters: parsed by {@link Coefficients} to exactly the configured count, all finite;
 * </ol>
 *
 * and only then is the network allocated and initialised. A rejection is one line saying why.
 */
public final class ModelLoader {
  private static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);

  private ModelLoader() {}

  /** Checks {@code bytes} against {@code spec} and, if they pass, builds the network. */
  public static Result<LoadedModel> load(byte[] bytes, ProblemSpec spec) {
    Result<Checked> checked = check(bytes, spec);
    if (!checked.isOk()) {
      return Result.err(checked.reason());
    }
    Checked c = checked.value();
    INDArray params = Nd4j.create(c.parameters(), new long[] {1, c.parameters().length}, 'c');
    MultiLayerNetwork net = new MultiLayerNetwork(c.configuration());
    try {
      net.init(params, false);
    } catch (RuntimeException e) {
      // The configuration passed every check above; DL4J may still refuse a combination of
      // settings. For untrusted bytes that is a rejection, not a failure of this node.
      return Result.err("the network cannot be initialised: " + firstLine(e));
    }
    Hash hash = ModelCodec.hash(bytes);
    LOG.debug(
        "Model loaded hash={} params={} macs={}",
        hash.toShortHex(),
        c.architecture().parameters(),
        c.architecture().multiplyAdds());
    return Result.ok(new LoadedModel(net, spec, c.architecture(), hash, bytes.length));
  }

  /** What {@link #check} established, before anything is allocated natively. */
  record Checked(
      MultiLayerConfiguration configuration, Architecture architecture, float[] parameters) {}

  /**
   * Every check of {@link #load} without building the network: nothing is allocated for the model's
   * parameters beyond one float array of the configured (limited) size.
   */
  static Result<Checked> check(byte[] bytes, ProblemSpec spec) {
    ProblemLimits limits = spec.limits();
    if (bytes.length > limits.maxModelBytes()) {
      return Result.err(
          "model of " + bytes.length + " bytes exceeds the limit of " + limits.maxModelBytes());
    }
    Result<ModelArchive> archive = ModelArchive.read(bytes, limits.maxModelBytes());
    if (!archive.isOk()) {
      return Result.err(archive.reason());
    }
    ModelArchive a = archive.value();
    if (!ModelCodec.isCanonical(bytes, a)) {
      return Result.err("model bytes are not in canonical form");
    }
    Result<String> json = ConfigurationGuard.check(a.configurationJson());
    if (!json.isOk()) {
      return Result.err(json.reason());
    }
    MultiLayerConfiguration conf;
    try {
      conf = MultiLayerConfiguration.fromJson(json.value());
    } catch (RuntimeException e) {
      // DL4J reports malformed configurations with assorted runtime exceptions (Jackson's,
      // IllegalState, IllegalArgument); for untrusted input each one is a rejection.
      return Result.err("the configuration is not a valid DL4J network: " + firstLine(e));
    }
    Result<Architecture> architecture = Architecture.analyze(conf, spec);
    if (!architecture.isOk()) {
      return Result.err(architecture.reason());
    }
    Result<float[]> params =
        Coefficients.parse(a.coefficients(), architecture.value().parameters());
    if (!params.isOk()) {
      return Result.err(params.reason());
    }
    return Result.ok(new Checked(conf, architecture.value(), params.value()));
  }

  private static String firstLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    String line = nl >= 0 ? m.substring(0, nl) : m;
    line = line.length() > 160 ? line.substring(0, 160) + "..." : line;
    return line.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
