package org.learnchain.ml.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.ZipException;
import org.learnchain.ml.Result;
import org.learnchain.ml.spec.SampleShape;

/**
 * Reads the IDX format of the MNIST files: an images file (magic {@code 0x00000803}: unsigned
 * bytes, three dimensions count x rows x columns) and a labels file (magic {@code 0x00000801}:
 * unsigned bytes, one dimension). Either may be gzip-compressed (recognised by its magic number).
 * Pixels are scaled to [0, 1] by dividing by 255; images become one-channel {@link
 * SampleShape.Image}s.
 */
public final class IdxReader {
  static final int IMAGES_MAGIC = 0x00000803;
  static final int LABELS_MAGIC = 0x00000801;

  private IdxReader() {}

  /** Reads an images file and its labels file into one dataset. */
  public static Result<Dataset> read(Path images, Path labels, LabelMode mode, long maxBytes) {
    Result<Inputs> in = readImages(images, maxBytes);
    if (!in.isOk()) {
      return Result.err(in.reason());
    }
    Result<Labels> lb = readLabels(labels, mode, maxBytes);
    if (!lb.isOk()) {
      return Result.err(lb.reason());
    }
    return combine(in.value(), lb.value());
  }

  /** Pairs images with labels, rejecting a count mismatch. */
  public static Result<Dataset> combine(Inputs images, Labels labels) {
    if (images.count() != labels.count()) {
      return Result.err(
          "the images file holds "
              + images.count()
              + " images but the labels file holds "
              + labels.count()
              + " labels");
    }
    return Result.ok(new Dataset(images, labels));
  }

  public static Result<Inputs> readImages(Path file, long maxBytes) {
    return withFile(file, in -> readImages(in, String.valueOf(file.getFileName()), maxBytes));
  }

  public static Result<Labels> readLabels(Path file, LabelMode mode, long maxBytes) {
    return withFile(file, in -> readLabels(in, String.valueOf(file.getFileName()), mode, maxBytes));
  }

  /** Reads an images stream (not closed here); errors are prefixed with {@code name}. */
  public static Result<Inputs> readImages(InputStream raw, String name, long maxBytes) {
    Result<byte[]> content = slurp(raw, name, maxBytes);
    if (!content.isOk()) {
      return Result.err(content.reason());
    }
    byte[] b = content.value();
    if (b.length == 0) {
      return Result.err(name + ": empty file");
    }
    int magic = b.length >= 4 ? int32(b, 0) : -1;
    if (b.length >= 4 && magic != IMAGES_MAGIC) {
      return Result.err(
          name
              + ": wrong magic number "
              + hex(magic)
              + ", expected "
              + hex(IMAGES_MAGIC)
              + " (IDX images: unsigned bytes, 3 dimensions)");
    }
    if (b.length < 16) {
      return Result.err(name + ": too short for an IDX images header");
    }
    int count = int32(b, 4);
    int rows = int32(b, 8);
    int cols = int32(b, 12);
    if (count < 1) {
      return Result.err(name + ": the header declares " + count + " images");
    }
    if (rows < 1 || cols < 1 || (long) rows * cols > SampleShape.MAX_FEATURES) {
      return Result.err(name + ": unsupported image size " + rows + "x" + cols);
    }
    long pixels = (long) count * rows * cols;
    long present = b.length - 16L;
    if (present != pixels) {
      return Result.err(
          name
              + ": the header declares "
              + count
              + " images of "
              + rows
              + "x"
              + cols
              + " ("
              + pixels
              + " bytes) but the file holds "
              + present
              + " bytes of pixels");
    }
    float[] values = new float[(int) pixels];
    for (int i = 0; i < values.length; i++) {
      values[i] = (b[16 + i] & 0xff) / 255.0f;
    }
    return Result.ok(Inputs.own(new SampleShape.Image(1, rows, cols), values));
  }

  /** Reads a labels stream (not closed here); errors are prefixed with {@code name}. */
  public static Result<Labels> readLabels(
      InputStream raw, String name, LabelMode mode, long maxBytes) {
    Objects.requireNonNull(mode, "mode");
    if (mode instanceof LabelMode.Regression) {
      return Result.err(name + ": IDX label files hold class indices, not regression targets");
    }
    Result<byte[]> content = slurp(raw, name, maxBytes);
    if (!content.isOk()) {
      return Result.err(content.reason());
    }
    byte[] b = content.value();
    if (b.length == 0) {
      return Result.err(name + ": empty file");
    }
    int magic = b.length >= 4 ? int32(b, 0) : -1;
    if (b.length >= 4 && magic != LABELS_MAGIC) {
      return Result.err(
          name
              + ": wrong magic number "
              + hex(magic)
              + ", expected "
              + hex(LABELS_MAGIC)
              + " (IDX labels: unsigned bytes, 1 dimension)");
    }
    if (b.length < 8) {
      return Result.err(name + ": too short for an IDX labels header");
    }
    int count = int32(b, 4);
    if (count < 1) {
      return Result.err(name + ": the header declares " + count + " labels");
    }
    long present = b.length - 8L;
    if (present != count) {
      return Result.err(
          name + ": the header declares " + count + " labels but the file holds " + present);
    }
    int[] labels = new int[count];
    int max = 0;
    for (int i = 0; i < count; i++) {
      labels[i] = b[8 + i] & 0xff;
      if (mode instanceof LabelMode.Classes known && labels[i] >= known.count()) {
        return Result.err(
            name
                + ": label "
                + labels[i]
                + " at index "
                + i
                + " is out of range for "
                + known.count()
                + " classes");
      }
      max = Math.max(max, labels[i]);
    }
    int classCount = mode instanceof LabelMode.Classes known ? known.count() : max + 1;
    if (classCount < 2) {
      return Result.err(name + ": every label is 0; need at least 2 classes");
    }
    return Result.ok(Labels.Classes.of(classCount, labels));
  }

  private interface StreamReader<T> {
    Result<T> read(InputStream in);
  }

  private static <T> Result<T> withFile(Path file, StreamReader<T> reader) {
    String name = String.valueOf(file.getFileName());
    try (InputStream in = Files.newInputStream(file)) {
      return reader.read(in);
    } catch (NoSuchFileException e) {
      return Result.err(name + ": no such file");
    } catch (IOException e) {
      return Result.err(name + ": cannot read: " + e.getMessage());
    }
  }

  private static Result<byte[]> slurp(InputStream raw, String name, long maxBytes) {
    try {
      return Result.ok(Sources.open(raw, maxBytes).readAllBytes());
    } catch (Sources.TooLargeException e) {
      return Result.err(name + ": file too large: " + e.getMessage());
    } catch (ZipException e) {
      return Result.err(name + ": corrupt gzip data: " + e.getMessage());
    } catch (java.io.EOFException e) {
      return Result.err(name + ": truncated gzip data");
    } catch (IOException e) {
      return Result.err(name + ": cannot read: " + e.getMessage());
    }
  }

  private static int int32(byte[] b, int off) {
    return ((b[off] & 0xff) << 24)
        | ((b[off + 1] & 0xff) << 16)
        | ((b[off + 2] & 0xff) << 8)
        | (b[off + 3] & 0xff);
  }

  private static String hex(int v) {
    return String.format("0x%08x", v);
  }
}
