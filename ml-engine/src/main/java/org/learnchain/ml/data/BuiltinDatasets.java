package org.learnchain.ml.data;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;
import org.learnchain.ml.Result;

/**
 * The real datasets shipped in this module's resources ({@code datasets/README.md} has their
 * provenance): MNIST (8,000 training and 2,000 test images), UCI digits and iris. The devnet's
 * built-in problem and the benchmark use them; tests load them from here too.
 */
public final class BuiltinDatasets {
  private static final String DIR = "/datasets/";
  private static final long MAX_BYTES = 64L << 20;

  /** Seed of the fixed train/test split of the single-file datasets; never change it. */
  static final long SPLIT_SEED = 0x6c6561726e636861L;

  /** A training set and a disjoint test set. */
  public record TrainTest(Dataset train, Dataset test) {}

  private BuiltinDatasets() {}

  /** By name: {@code mnist}, {@code digits} or {@code iris}. */
  public static Optional<Result<TrainTest>> byName(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "mnist" -> Optional.of(mnist());
      case "digits" -> Optional.of(digits());
      case "iris" -> Optional.of(iris());
      default -> Optional.empty();
    };
  }

  /** MNIST: 8,000 training and 2,000 test images of 28x28, 10 classes. */
  public static Result<TrainTest> mnist() {
    Result<Dataset> train =
        idx("mnist-train-images-idx3-ubyte.gz", "mnist-train-labels-idx1-ubyte.gz");
    if (!train.isOk()) {
      return Result.err(train.reason());
    }
    Result<Dataset> test =
        idx("mnist-test-images-idx3-ubyte.gz", "mnist-test-labels-idx1-ubyte.gz");
    if (!test.isOk()) {
      return Result.err(test.reason());
    }
    return Result.ok(new TrainTest(train.value(), test.value()));
  }

  /** UCI digits (8x8, 10 classes, 1,797 rows) split 1,437 / 360 with a fixed seed. */
  public static Result<TrainTest> digits() {
    return csv("digits.csv.gz", CsvReader.Options.defaults().withLabels(LabelMode.classes(10)))
        .map(d -> split(d, 360));
  }

  /** Fisher's iris (4 features, 3 classes, 150 rows) split 120 / 30 with a fixed seed. */
  public static Result<TrainTest> iris() {
    return csv("iris.csv", CsvReader.Options.defaults().withLabels(LabelMode.classes(3)))
        .map(d -> split(d, 30));
  }

  /** A dataset file from the resources, read as CSV with {@code options}. */
  public static Result<Dataset> csv(String file, CsvReader.Options options) {
    try (InputStream in = open(file)) {
      return CsvReader.read(in, file, options);
    } catch (IOException e) {
      return Result.err(file + ": cannot read resource: " + e.getMessage());
    }
  }

  private static Result<Dataset> idx(String imagesFile, String labelsFile) {
    try (InputStream images = open(imagesFile);
        InputStream labels = open(labelsFile)) {
      Result<Inputs> in = IdxReader.readImages(images, imagesFile, MAX_BYTES);
      if (!in.isOk()) {
        return Result.err(in.reason());
      }
      Result<Labels> lb =
          IdxReader.readLabels(labels, labelsFile, LabelMode.classes(10), MAX_BYTES);
      if (!lb.isOk()) {
        return Result.err(lb.reason());
      }
      return IdxReader.combine(in.value(), lb.value());
    } catch (IOException e) {
      return Result.err(imagesFile + ": cannot read resource: " + e.getMessage());
    }
  }

  private static InputStream open(String file) throws IOException {
    InputStream in = BuiltinDatasets.class.getResourceAsStream(DIR + file);
    if (in == null) {
      throw new IOException("resource " + DIR + file + " is missing from the ml-engine jar");
    }
    return in;
  }

  private static TrainTest split(Dataset all, int testCount) {
    Dataset.Split s = all.split(testCount, SPLIT_SEED);
    return new TrainTest(s.first(), s.second());
  }
}
