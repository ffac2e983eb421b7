package org.learnchain.node.problem;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.learnchain.config.ModelLimits;
import org.learnchain.config.RoundDurations;
import org.learnchain.ml.Result;
import org.learnchain.ml.data.BuiltinDatasets;
import org.learnchain.ml.data.Dataset;
import org.learnchain.ml.data.Labels;
import org.learnchain.ml.spec.ProblemSpec;
import org.learnchain.ml.spec.SampleShape;

/**
 * The devnet's funded problems, on the real datasets ml-engine ships (MNIST subset, UCI digits,
 * iris; provenance in ml-engine's {@code datasets/README.md}), each with round durations that let a
 * useful-work round finish well within a minute on two cores while three miners train at once.
 *
 * @param name {@code mnist}, {@code digits} or {@code iris}
 * @param spec the problem miners get: input shape, classes, accuracy, the chain's model limits
 * @param train the training set published by hash
 * @param test the held-out set whose inputs and labels the submitter reveals
 * @param rounds genesis phase durations for this problem
 */
public record BuiltinProblem(
    String name, ProblemSpec spec, Dataset train, Dataset test, RoundDurations rounds) {

  /** The names {@link #load} knows. */
  public static final List<String> NAMES = List.of("mnist", "digits", "iris");

  /**
   * Loads a built-in problem whose model limits are the chain's {@code limits}.
   *
   * @return empty for an unknown name; an error when the dataset resource cannot be read
   */
  public static Optional<Result<BuiltinProblem>> load(String name, ModelLimits limits) {
    String n = name.toLowerCase(Locale.ROOT);
    RoundDurations rounds;
    SampleShape shape;
    switch (n) {
      case "mnist" -> {
        // Three miners share two cores: 20 s of training gives each an MLP of ~0.92-0.95
        // accuracy. Evaluation carries the 6 MB test reveal to every miner and their predictions
        // back; 10 s leaves room for a loaded machine.
        rounds = new RoundDurations(20_000, 10_000, 5_000, 2_000);
        shape = new SampleShape.Image(1, 28, 28);
      }
      case "digits" -> {
        rounds = new RoundDurations(6_000, 3_000, 3_000, 1_500);
        shape = new SampleShape.Vector(64);
      }
      case "iris" -> {
        rounds = new RoundDurations(3_000, 2_000, 2_000, 1_000);
        shape = new SampleShape.Vector(4);
      }
      default -> {
        return Optional.empty();
      }
    }
    Optional<Result<BuiltinDatasets.TrainTest>> data = BuiltinDatasets.byName(n);
    if (data.isEmpty()) {
      return Optional.empty();
    }
    if (!data.get().isOk()) {
      return Optional.of(Result.err(data.get().reason()));
    }
    BuiltinDatasets.TrainTest tt = data.get().value();
    int classes = ((Labels.Classes) tt.train().labels()).classCount();
    ProblemSpec spec =
        ProblemSpec.classification(shape, classes, ProblemSubmitter.widestLimits(limits));
    return Optional.of(Result.ok(new BuiltinProblem(n, spec, tt.train(), tt.test(), rounds)));
  }
}
