package org.learnchain.node.problem;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.learnchain.config.ModelLimits;
import org.learnchain.ml.Result;
import org.learnchain.ml.data.CsvReader;
import org.learnchain.ml.data.Dataset;
import org.learnchain.ml.data.IdxReader;
import org.learnchain.ml.data.LabelMode;
import org.learnchain.ml.data.Labels;
import org.learnchain.ml.spec.ProblemSpec;
import org.learnchain.ml.spec.SampleShape;
import org.learnchain.ml.spec.Task;

/**
 * Reads the files of a problem upload (CSV, or IDX images with IDX labels) into the problem's spec
 * and its training and test sets. Everything wrong with the files is a one-line error naming the
 * file and the line (CSV) or record (IDX); the limits and checks of {@link ProblemSubmitter} still
 * apply to what this returns.
 */
public final class ProblemFiles {
  private ProblemFiles() {}

  /** What a problem predicts. */
  public enum Kind {
    CLASSIFICATION,
    REGRESSION;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The kind named {@code id}; empty means classification. */
    public static Optional<Kind> parse(String id) {
      return switch (id) {
        case "", "classification" -> Optional.of(CLASSIFICATION);
        case "regression" -> Optional.of(REGRESSION);
        default -> Optional.empty();
      };
    }
  }

  /** How the samples are stored. */
  public enum Format {
    CSV,
    IDX;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The format named {@code id}; empty means CSV. */
    public static Optional<Format> parse(String id) {
      return switch (id) {
        case "", "csv" -> Optional.of(CSV);
        case "idx" -> Optional.of(IDX);
        default -> Optional.empty();
      };
    }
  }

  /** A problem read from its files, ready for {@link ProblemSubmitter#submit}. */
  public record Problem(ProblemSpec spec, Dataset train, Dataset test) {}

  /**
   * Reads a CSV problem.
   *
   * @param labelColumn the label column's name; empty means the last column
   * @param maxBytes most bytes read from either file (after decompression)
   */
  public static Result<Problem> csv(
      Path train, Path test, Kind kind, String labelColumn, long maxBytes, ModelLimits chain) {
    CsvReader.Options options =
        CsvReader.Options.defaults()
            .withLabels(kind == Kind.REGRESSION ? LabelMode.regression() : LabelMode.inferClasses())
            .withMaxBytes(maxBytes);
    if (!labelColumn.isEmpty()) {
      options = options.withLabelColumn(labelColumn);
    }
    Result<Dataset> tr = CsvReader.read(train, options);
    if (!tr.isOk()) {
      return Result.err("training file: " + tr.reason());
    }
    Result<Dataset> te = CsvReader.read(test, options);
    if (!te.isOk()) {
      return Result.err("test file: " + te.reason());
    }
    if (tr.value().inputs().width() != te.value().inputs().width()) {
      return Result.err(
          "the training file has "
              + tr.value().inputs().width()
              + " feature columns, the test file "
              + te.value().inputs().width());
    }
    return build(tr.value(), te.value(), kind, chain);
  }

  /** Reads an IDX image classification problem: images and labels for training and for test. */
  public static Result<Problem> idx(
      Path trainImages,
      Path trainLabels,
      Path testImages,
      Path testLabels,
      Kind kind,
      long maxBytes,
      ModelLimits chain) {
    if (kind != Kind.CLASSIFICATION) {
      return Result.err("IDX label files hold class indices: an IDX problem is a classification");
    }
    Result<Dataset> tr =
        IdxReader.read(trainImages, trainLabels, LabelMode.inferClasses(), maxBytes);
    if (!tr.isOk()) {
      return Result.err("training files: " + tr.reason());
    }
    Result<Dataset> te = IdxReader.read(testImages, testLabels, LabelMode.inferClasses(), maxBytes);
    if (!te.isOk()) {
      return Result.err("test files: " + te.reason());
    }
    SampleShape a = tr.value().inputs().shape();
    SampleShape b = te.value().inputs().shape();
    if (!a.equals(b)) {
      return Result.err("the training images are " + a + ", the test images " + b);
    }
    return build(tr.value(), te.value(), kind, chain);
  }

  private static Result<Problem> build(Dataset tr, Dataset te, Kind kind, ModelLimits chain) {
    SampleShape shape = tr.inputs().shape();
    if (tr.inputs().width() > SampleShape.MAX_FEATURES) {
      return Result.err("too many feature columns for a problem");
    }
    if (kind == Kind.REGRESSION) {
      return Result.ok(
          new Problem(
              ProblemSpec.regression(shape, 1, ProblemSubmitter.widestLimits(chain)), tr, te));
    }
    // Classes are inferred per file; the problem has as many as the larger of the two.
    int classes =
        Math.max(
            ((Labels.Classes) tr.labels()).classCount(),
            ((Labels.Classes) te.labels()).classCount());
    if (classes > Task.MAX_CLASSES) {
      return Result.err("too many classes for a problem");
    }
    return Result.ok(
        new Problem(
            ProblemSpec.classification(shape, classes, ProblemSubmitter.widestLimits(chain)),
            withClasses(tr, classes),
            withClasses(te, classes)));
  }

  private static Dataset withClasses(Dataset d, int classes) {
    Labels.Classes l = (Labels.Classes) d.labels();
    return l.classCount() == classes
        ? d
        : new Dataset(d.inputs(), Labels.Classes.of(classes, l.toArray()));
  }
}
