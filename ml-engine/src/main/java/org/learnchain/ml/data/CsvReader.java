package org.learnchain.ml.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipException;
import org.learnchain.ml.Result;
import org.learnchain.ml.spec.SampleShape;

/**
 * Reads a dataset from CSV: a header row of column names, then one sample per row of numbers
 * separated by commas. The label column is named in the options, or is the last column. Gzip input
 * is recognised by its magic number. Every problem with the file is a one-line {@link Result.Err}
 * naming the line and column.
 *
 * <p>Cells are plain decimal numbers ({@code -1.5}, {@code 3}, {@code 2e-3}); quoting, NaN and
 * infinities are rejected, because a dataset is hashed and replayed on every node and must mean the
 * same thing everywhere. Blank lines are skipped.
 *
 * <p>This strict subset is parsed here rather than by a CSV library (Commons CSV, Jackson's CSV
 * module): those exist to accept dialects (quotes, escapes, embedded line breaks, lenient numbers),
 * while a dataset must have exactly one reading on every node, and every rejection here names its
 * line and column.
 */
public final class CsvReader {

  /**
   * @param labelColumn the label column's name; empty means the last column
   * @param labels how labels are read (class indices, inferred classes, or real values)
   * @param shape the shape of one sample, for example an image for pixel columns; empty means a
   *     vector of the feature columns. Its size must equal the number of feature columns.
   * @param maxBytes most bytes read (after decompression)
   * @param maxRows most data rows
   */
  public record Options(
      Optional<String> labelColumn,
      LabelMode labels,
      Optional<SampleShape> shape,
      long maxBytes,
      int maxRows) {
    public Options {
      Objects.requireNonNull(labelColumn, "labelColumn");
      Objects.requireNonNull(labels, "labels");
      Objects.requireNonNull(shape, "shape");
      if (maxBytes < 1 || maxRows < 1) {
        throw new IllegalArgumentException("limits must be positive");
      }
    }

    /** Last column is the label, class count inferred, vector samples, 1 GiB and 10M rows. */
    public static Options defaults() {
      return new Options(
          Optional.empty(), LabelMode.inferClasses(), Optional.empty(), 1L << 30, 10_000_000);
    }

    public Options withLabelColumn(String name) {
      return new Options(Optional.of(name), labels, shape, maxBytes, maxRows);
    }

    public Options withLabels(LabelMode mode) {
      return new Options(labelColumn, mode, shape, maxBytes, maxRows);
    }

    public Options withShape(SampleShape sampleShape) {
      return new Options(labelColumn, labels, Optional.of(sampleShape), maxBytes, maxRows);
    }

    public Options withMaxBytes(long limit) {
      return new Options(labelColumn, labels, shape, limit, maxRows);
    }
  }

  private CsvReader() {}

  /** Reads {@code file}; errors are prefixed with the file name. */
  public static Result<Dataset> read(Path file, Options options) {
    String name = String.valueOf(file.getFileName());
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, name, options);
    } catch (NoSuchFileException e) {
      return Result.err(name + ": no such file");
    } catch (IOException e) {
      return Result.err(name + ": cannot read: " + e.getMessage());
    }
  }

  /** Reads a stream (not closed here); errors are prefixed with {@code sourceName}. */
  public static Result<Dataset> read(InputStream raw, String sourceName, Options options) {
    return read(raw, sourceName, options, true);
  }

  /**
   * Reads samples without labels, for a model to predict on: every column is a feature except the
   * options' label column when one is named (left out, so a test file can be reused as it is). The
   * options' label mode is ignored.
   */
  public static Result<Inputs> readInputs(InputStream raw, String sourceName, Options options) {
    Result<Dataset> d = read(raw, sourceName, options, false);
    return d.isOk() ? Result.ok(d.value().inputs()) : Result.err(d.reason());
  }

  private static Result<Dataset> read(
      InputStream raw, String sourceName, Options options, boolean labelled) {
    try {
      InputStream in = Sources.open(raw, options.maxBytes());
      BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(
                  in,
                  StandardCharsets.UTF_8
                      .newDecoder()
                      .onMalformedInput(CodingErrorAction.REPORT)
                      .onUnmappableCharacter(CodingErrorAction.REPORT)),
              1 << 16);
      return parse(reader, options, labelled).context(sourceName);
    } catch (Sources.TooLargeException e) {
      return Result.err(sourceName + ": file too large: " + e.getMessage());
    } catch (CharacterCodingException e) {
      return Result.err(sourceName + ": not UTF-8 text");
    } catch (ZipException e) {
      return Result.err(sourceName + ": corrupt gzip data: " + e.getMessage());
    } catch (java.io.EOFException e) {
      return Result.err(sourceName + ": truncated gzip data");
    } catch (IOException e) {
      return Result.err(sourceName + ": cannot read: " + e.getMessage());
    }
  }

  private static Result<Dataset> parse(BufferedReader reader, Options options, boolean labelled)
      throws IOException {
    String line;
    int lineNo = 0;
    List<String> header = null;
    while ((line = reader.readLine()) != null) {
      lineNo++;
      if (lineNo == 1 && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      if (!line.isBlank()) {
        header = splitHeader(line);
        break;
      }
    }
    if (header == null) {
      return Result.err("empty file: no header row");
    }
    Set<String> seen = new HashSet<>();
    for (int c = 0; c < header.size(); c++) {
      String col = header.get(c);
      if (col.isEmpty()) {
        return Result.err("line " + lineNo + ": header column " + (c + 1) + " has no name");
      }
      if (!seen.add(col)) {
        return Result.err("line " + lineNo + ": duplicate column name '" + col + "'");
      }
    }
    if (header.size() < (labelled ? 2 : 1)) {
      return Result.err(
          "line " + lineNo + ": the header needs at least one feature column and a label column");
    }
    // Unlabelled samples have no label column unless one is named to be left out.
    int labelIndex = labelled ? header.size() - 1 : -1;
    if (options.labelColumn().isPresent()) {
      labelIndex = header.indexOf(options.labelColumn().get().trim());
      if (labelIndex < 0) {
        return Result.err(
            "label column '"
                + options.labelColumn().get()
                + "' is not in the header ("
                + abbreviate(header)
                + ")");
      }
    }
    int columns = header.size();
    int features = labelIndex < 0 ? columns : columns - 1;
    if (features < 1) {
      return Result.err("line " + lineNo + ": the header has no feature column");
    }
    SampleShape shape = options.shape().orElse(new SampleShape.Vector(features));
    if (shape.size() != features) {
      return Result.err(
          "sample shape "
              + shape
              + " needs "
              + shape.size()
              + " feature columns, the file has "
              + features);
    }

    Sources.FloatBuilder values = new Sources.FloatBuilder();
    Sources.FloatBuilder labels = new Sources.FloatBuilder();
    String labelName = labelIndex < 0 ? "" : header.get(labelIndex);
    int rows = 0;
    int maxLabel = -1;
    while ((line = reader.readLine()) != null) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      if (++rows > options.maxRows()) {
        return Result.err("more than " + options.maxRows() + " data rows");
      }
      int start = 0;
      for (int c = 0; c < columns; c++) {
        int comma = line.indexOf(',', start);
        boolean last = c == columns - 1;
        if (comma < 0 && !last) {
          return Result.err(
              "line " + lineNo + ": " + (c + 1) + " cells, the header has " + columns);
        }
        if (comma >= 0 && last) {
          return Result.err(
              "line "
                  + lineNo
                  + ": "
                  + (columns + countCommas(line, comma + 1) + 1)
                  + " cells, the header has "
                  + columns);
        }
        String cell = line.substring(start, last ? line.length() : comma).trim();
        start = comma + 1;
        if (!isDecimal(cell)) {
          return Result.err(
              "line "
                  + lineNo
                  + ", column '"
                  + header.get(c)
                  + "': "
                  + quote(cell)
                  + " is not a number");
        }
        float v = Float.parseFloat(cell);
        if (!Float.isFinite(v)) {
          return Result.err(
              "line "
                  + lineNo
                  + ", column '"
                  + header.get(c)
                  + "': "
                  + cell
                  + " is outside the float range");
        }
        if (c != labelIndex) {
          values.add(v == 0.0f ? 0.0f : v);
          continue;
        }
        if (!labelled) {
          continue;
        }
        if (options.labels() instanceof LabelMode.Regression) {
          labels.add(v == 0.0f ? 0.0f : v);
          continue;
        }
        double d = Double.parseDouble(cell);
        if (d != Math.rint(d) || d < 0 || d >= org.learnchain.ml.spec.Task.MAX_CLASSES) {
          return Result.err(
              "line "
                  + lineNo
                  + ", column '"
                  + labelName
                  + "': "
                  + cell
                  + " is not a class index (a whole number from 0 to "
                  + (org.learnchain.ml.spec.Task.MAX_CLASSES - 1)
                  + ")");
        }
        int label = (int) d;
        if (options.labels() instanceof LabelMode.Classes known && label >= known.count()) {
          return Result.err(
              "line "
                  + lineNo
                  + ", column '"
                  + labelName
                  + "': class "
                  + label
                  + " is out of range for "
                  + known.count()
                  + " classes");
        }
        maxLabel = Math.max(maxLabel, label);
        labels.add(label);
      }
    }
    if (rows == 0) {
      return Result.err("no data rows after the header");
    }
    Inputs inputs = Inputs.own(shape, values.toArray());
    if (!labelled) {
      // A placeholder target per row keeps one parser for both uses; readInputs drops it.
      return Result.ok(new Dataset(inputs, Labels.Values.own(1, new float[rows])));
    }
    float[] rawLabels = labels.toArray();
    if (options.labels() instanceof LabelMode.Regression) {
      return Result.ok(new Dataset(inputs, Labels.Values.own(1, rawLabels)));
    }
    int classCount;
    if (options.labels() instanceof LabelMode.Classes known) {
      classCount = known.count();
    } else {
      classCount = maxLabel + 1;
      if (classCount < 2) {
        return Result.err("column '" + labelName + "' holds a single class; need at least 2");
      }
    }
    int[] classes = new int[rawLabels.length];
    for (int i = 0; i < classes.length; i++) {
      classes[i] = (int) rawLabels[i];
    }
    return Result.ok(new Dataset(inputs, Labels.Classes.of(classCount, classes)));
  }

  private static List<String> splitHeader(String line) {
    List<String> out = new ArrayList<>();
    int start = 0;
    while (true) {
      int comma = line.indexOf(',', start);
      if (comma < 0) {
        out.add(line.substring(start).trim());
        return out;
      }
      out.add(line.substring(start, comma).trim());
      start = comma + 1;
    }
  }

  private static int countCommas(String line, int from) {
    int n = 0;
    for (int i = from; i < line.length(); i++) {
      if (line.charAt(i) == ',') {
        n++;
      }
    }
    return n;
  }

  /** Plain decimal: optional sign, digits with an optional point, optional exponent. */
  static boolean isDecimal(String s) {
    int i = 0;
    int n = s.length();
    if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      i++;
    }
    int digits = 0;
    while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
      digits++;
    }
    if (i < n && s.charAt(i) == '.') {
      i++;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      int expDigits = 0;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
        expDigits++;
      }
      if (expDigits == 0) {
        return false;
      }
    }
    return i == n;
  }

  private static String quote(String cell) {
    String shown = cell.length() > 40 ? cell.substring(0, 40) + "..." : cell;
    return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
  }

  private static String abbreviate(List<String> header) {
    if (header.size() <= 8) {
      return "columns: " + String.join(", ", header);
    }
    return "columns: "
        + String.join(", ", header.subList(0, 4))
        + ", ..., "
        + String.join(", ", header.subList(header.size() - 3, header.size()))
        + "; "
        + header.size()
        + " in all";
  }
}
