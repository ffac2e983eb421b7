package org.learnchain.node.api;

import java.io.ByteArrayInputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.learnchain.consensus.message.WorkSection;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.PendingProblem;
import org.learnchain.ml.Result;
import org.learnchain.ml.data.CsvReader;
import org.learnchain.ml.data.IdxReader;
import org.learnchain.ml.data.Inputs;
import org.learnchain.ml.infer.Predictions;
import org.learnchain.ml.infer.Predictor;
import org.learnchain.ml.model.LoadedModel;
import org.learnchain.ml.model.ModelLoader;
import org.learnchain.ml.spec.ProblemSpec;
import org.learnchain.node.problem.ProblemFiles;
import org.learnchain.node.status.ProblemView;
import org.learnchain.proto.api.PredictReply;
import org.learnchain.proto.api.PredictRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the winning model of a solved problem on a client's inputs, so the model a submitter paid
 * for is usable without DL4J. The model is the one on chain, loaded through the same checks as
 * block verification; inputs are read and bounded like a test set (the chain's most test samples,
 * the node's upload limit). A few recently used models stay loaded.
 */
final class ModelRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ModelRunner.class);
  static final int CACHED_MODELS = 4;

  private final ApiContext ctx;
  private final Map<Hash, LoadedModel> cache =
      new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Hash, LoadedModel> eldest) {
          return size() > CACHED_MODELS;
        }
      };

  ModelRunner(ApiContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Predicts with the model of {@code p}, which must be solved; an error result is bad input.
   *
   * @throws IllegalStateException when the model that the chain verified cannot be read back
   */
  Result<PredictReply> predict(PredictRequest request, ProblemView p) {
    Hash blockHash = p.blockHash().orElseThrow(() -> new IllegalArgumentException("not solved"));
    Optional<ProblemFiles.Format> format = ProblemFiles.Format.parse(request.getFormat());
    if (format.isEmpty()) {
      return Result.err(
          "unknown format '" + ApiErrors.oneLine(request.getFormat()) + "': csv or idx");
    }
    Optional<PendingProblem> onChain = ctx.store().headState().problem(p.problemId());
    Result<ProblemSpec> spec =
        onChain.isPresent()
            ? ProblemSpec.decode(onChain.get().spec())
            : Result.err("the problem is not on chain");
    if (!spec.isOk()) {
      return Result.err("the problem's spec: " + spec.reason());
    }
    Result<Inputs> inputs = read(request, format.get(), spec.value());
    if (!inputs.isOk()) {
      return Result.err(inputs.reason());
    }
    Inputs in = inputs.value();
    if (!in.shape().equals(spec.value().input())) {
      return Result.err(
          "the inputs are " + in.shape() + ", the problem takes " + spec.value().input());
    }
    int max = ctx.genesis().limits().maxTestSamples();
    if (in.count() > max) {
      return Result.err(
          in.count() + " samples; a prediction takes at most " + max + " (the chain's test limit)");
    }
    LoadedModel m = model(blockHash, spec.value());
    long start = System.nanoTime();
    Predictions out;
    // One network is not safe for concurrent forward passes.
    synchronized (m) {
      out = Predictor.predict(m, in);
    }
    LOG.info(
        "Prediction served problem={} samples={} ms={}",
        p.problemId().toShortHex(),
        in.count(),
        (System.nanoTime() - start) / 1_000_000);
    PredictReply.Builder b =
        PredictReply.newBuilder()
            .setProblemId(ProtoViews.bytes(p.problemId()))
            .setTask(out.isClassification() ? "classification" : "regression")
            .setCount(out.count())
            .setWidth(out.width())
            .setModelHash(ProtoViews.bytes(m.hash()))
            .setHeight(p.height());
    for (int i = 0; i < out.count(); i++) {
      if (out.isClassification()) {
        b.addLabels(out.label(i));
      }
      for (int j = 0; j < out.width(); j++) {
        b.addOutputs(out.output(i, j));
      }
    }
    return Result.ok(b.build());
  }

  private Result<Inputs> read(PredictRequest request, ProblemFiles.Format format, ProblemSpec s) {
    ByteArrayInputStream raw = new ByteArrayInputStream(request.getInput().toByteArray());
    if (format == ProblemFiles.Format.IDX) {
      return IdxReader.readImages(raw, "input", ctx.maxUploadBytes());
    }
    CsvReader.Options options =
        CsvReader.Options.defaults().withShape(s.input()).withMaxBytes(ctx.maxUploadBytes());
    if (!request.getLabelColumn().isEmpty()) {
      options = options.withLabelColumn(request.getLabelColumn());
    }
    return CsvReader.readInputs(raw, "input", options);
  }

  private LoadedModel model(Hash blockHash, ProblemSpec spec) {
    synchronized (cache) {
      LoadedModel m = cache.get(blockHash);
      if (m != null) {
        return m;
      }
    }
    Optional<Block> b = ctx.store().block(blockHash);
    org.learnchain.consensus.Result<WorkSection> work =
        b.isPresent()
            ? WorkSection.decode(b.get().work())
            : org.learnchain.consensus.Result.err("block missing");
    if (!work.isOk() || !(work.value() instanceof WorkSection.Useful useful)) {
      throw new IllegalStateException("the solving block holds no model");
    }
    Result<LoadedModel> loaded = ModelLoader.load(useful.model().toArray(), spec);
    if (!loaded.isOk()) {
      throw new IllegalStateException("the verified model does not load: " + loaded.reason());
    }
    synchronized (cache) {
      cache.put(blockHash, loaded.value());
    }
    return loaded.value();
  }
}
