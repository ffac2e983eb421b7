package org.learnchain.ml.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.fuzz.FuzzInputs;
import org.learnchain.crypto.fuzz.ThreadAllocations;
import org.learnchain.ml.Result;

/**
 * Fuzzes the readers of user datasets and the on-chain encodings of test sets: CSV (plain or gzip),
 * IDX images and labels (plain or gzip), and {@link Inputs#decode} / {@link Labels#decode}, which
 * every node runs on a submitter's revealed test inputs and labels.
 *
 * <p>Byte 0 of a reader input holds options: bit 0 gzips the rest before reading (so the fuzzer
 * works on the content behind a valid gzip stream; raw gzip noise it makes by itself), bits 1-2 the
 * CSV label mode. The contract checked: a dataset or a one-line reason, never an exception;
 * allocation bounded by the input, or for gzip by the configured byte limit; an accepted dataset is
 * consistent (as many labels as samples, every value finite, classes in range), and an accepted
 * encoding is canonical (it encodes back to the same bytes).
 */
class DatasetReadersFuzzTest {
  /** The readers' byte limit here: small, so the limit itself is within a fuzzer's reach. */
  static final long MAX_BYTES = 64 * 1024;

  static final int MAX_COUNT = 100_000;

  private static long budget(byte[] data, boolean gzip) {
    // Gzip inflates up to MAX_BYTES; every byte read may become a float and a copy or two.
    return ThreadAllocations.budget(data.length) + (gzip ? 32 * MAX_BYTES : 0);
  }

  private static byte[] content(byte[] data) {
    byte[] rest = Arrays.copyOfRange(data, 1, data.length);
    return (data[0] & 1) != 0 ? gzip(rest) : rest;
  }

  @FuzzTest(maxDuration = "3m")
  void csv(byte[] data) {
    if (data.length == 0) {
      return;
    }
    LabelMode mode =
        switch ((data[0] >>> 1) & 3) {
          case 0 -> LabelMode.inferClasses();
          case 1 -> LabelMode.classes(3);
          case 2 -> LabelMode.regression();
          default -> LabelMode.classes(10);
        };
    CsvReader.Options options =
        CsvReader.Options.defaults().withLabels(mode).withMaxBytes(MAX_BYTES);
    byte[] in = content(data);
    Result<Dataset> r =
        ThreadAllocations.bounded(
            budget(data, (data[0] & 1) != 0),
            data.length,
            () -> CsvReader.read(new ByteArrayInputStream(in), "fuzz.csv", options));
    check(r);
  }

  @FuzzTest(maxDuration = "3m")
  void idxImages(byte[] data) {
    if (data.length == 0) {
      return;
    }
    byte[] in = content(data);
    Result<Inputs> r =
        ThreadAllocations.bounded(
            budget(data, (data[0] & 1) != 0),
            data.length,
            () -> IdxReader.readImages(new ByteArrayInputStream(in), "images", MAX_BYTES));
    if (r.isOk()) {
      Inputs x = r.value();
      assertTrue(x.count() >= 1 && x.width() >= 1);
      for (float v : x.toArray()) {
        assertTrue(v >= 0 && v <= 1, "pixel " + v);
      }
      roundTrip(x);
    } else {
      oneLine(r.reason());
    }
  }

  @FuzzTest(maxDuration = "3m")
  void idxLabels(byte[] data) {
    if (data.length == 0) {
      return;
    }
    byte[] in = content(data);
    LabelMode mode = (data[0] & 2) != 0 ? LabelMode.classes(10) : LabelMode.inferClasses();
    Result<Labels> r =
        ThreadAllocations.bounded(
            budget(data, (data[0] & 1) != 0),
            data.length,
            () -> IdxReader.readLabels(new ByteArrayInputStream(in), "labels", mode, MAX_BYTES));
    if (r.isOk()) {
      Labels.Classes c = (Labels.Classes) r.value();
      for (int l : c.toArray()) {
        assertTrue(l >= 0 && l < c.classCount());
      }
      roundTrip(c);
    } else {
      oneLine(r.reason());
    }
  }

  /** Byte 0 picks inputs (even) or labels (odd); the rest is the encoding. */
  @FuzzTest(maxDuration = "3m")
  void testSetEncodings(byte[] data) {
    if (data.length == 0) {
      return;
    }
    byte[] enc = Arrays.copyOfRange(data, 1, data.length);
    if ((data[0] & 1) == 0) {
      Result<Inputs> r = ThreadAllocations.bounded(enc.length, () -> Inputs.decode(enc, MAX_COUNT));
      if (r.isOk()) {
        assertArrayEquals(enc, r.value().encode(), "accepted non-canonical inputs");
      } else {
        oneLine(r.reason());
      }
    } else {
      Result<Labels> r = ThreadAllocations.bounded(enc.length, () -> Labels.decode(enc, MAX_COUNT));
      if (r.isOk()) {
        assertArrayEquals(enc, r.value().encode(), "accepted non-canonical labels");
      } else {
        oneLine(r.reason());
      }
    }
  }

  private static void check(Result<Dataset> r) {
    if (!r.isOk()) {
      oneLine(r.reason());
      return;
    }
    Dataset d = r.value();
    Inputs x = d.inputs();
    assertEquals(x.count(), d.labels().count(), "labels and samples differ in number");
    assertTrue(x.width() >= 1);
    for (float v : x.toArray()) {
      assertTrue(Float.isFinite(v));
    }
    if (d.labels() instanceof Labels.Classes c) {
      for (int l : c.toArray()) {
        assertTrue(l >= 0 && l < c.classCount());
      }
    }
    roundTrip(x);
    roundTrip(d.labels());
  }

  private static void roundTrip(Inputs x) {
    Result<Inputs> back = Inputs.decode(x.encode(), Integer.MAX_VALUE);
    assertTrue(back.isOk(), () -> "accepted inputs do not encode: " + back);
    assertEquals(x, back.value());
  }

  private static void roundTrip(Labels l) {
    Result<Labels> back = Labels.decode(l.encode(), Integer.MAX_VALUE);
    assertTrue(back.isOk(), () -> "accepted labels do not encode: " + back);
    assertEquals(l, back.value());
  }

  private static void oneLine(String reason) {
    assertFalse(reason.isBlank());
    assertFalse(reason.contains("\n") || reason.contains("\r"), reason);
  }

  static byte[] gzip(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] prefixed(int options, byte[] b) {
    byte[] out = new byte[b.length + 1];
    out[0] = (byte) options;
    System.arraycopy(b, 0, out, 1, b.length);
    return out;
  }

  /** The first {@code n} bytes of one of the project's own dataset files, unzipped. */
  static byte[] head(String file, int n) {
    InputStream resource = DatasetReadersFuzzTest.class.getResourceAsStream("/datasets/" + file);
    if (resource == null) {
      throw new IllegalStateException(
          "datasets/" + file + " is missing from ml-engine's resources");
    }
    try (InputStream raw = resource;
        InputStream in = file.endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
      return in.readNBytes(n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, byte[]> csvSeeds() {
    // The header and every 15th row: ten samples of all three classes.
    String[] lines = new String(head("iris.csv", 1 << 16), StandardCharsets.US_ASCII).split("\n");
    StringBuilder b = new StringBuilder(lines[0]).append('\n');
    for (int i = 1; i < lines.length; i += 15) {
      b.append(lines[i]).append('\n');
    }
    String iris = b.toString();
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put("iris-head", prefixed(0, iris.getBytes(StandardCharsets.US_ASCII)));
    seeds.put("iris-head-gzip", prefixed(1, iris.getBytes(StandardCharsets.US_ASCII)));
    seeds.put(
        "regression",
        prefixed(
            4, "a,b,y\n1.5,-2e-3,0.25\n3,4,5\n\n-1,0,7.5e1\n".getBytes(StandardCharsets.US_ASCII)));
    return seeds;
  }

  static byte[] images(int count, int rows, int cols) {
    byte[] b = new byte[16 + count * rows * cols];
    int[] header = {0x00000803, count, rows, cols};
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        b[4 * i + j] = (byte) (header[i] >>> (24 - 8 * j));
      }
    }
    for (int i = 16; i < b.length; i++) {
      b[i] = (byte) (i * 7);
    }
    return b;
  }

  static Map<String, byte[]> imageSeeds() {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put("three-4x5", prefixed(0, images(3, 4, 5)));
    seeds.put("three-4x5-gzip", prefixed(1, images(3, 4, 5)));
    return seeds;
  }

  static Map<String, byte[]> labelSeeds() {
    byte[] mnist = head("mnist-test-labels-idx1-ubyte.gz", 8 + 20);
    // The real header claims 10,000 labels; claim the 20 kept.
    mnist[4] = 0;
    mnist[5] = 0;
    mnist[6] = 0;
    mnist[7] = 20;
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put("mnist-20", prefixed(2, mnist));
    seeds.put("mnist-20-gzip", prefixed(3, mnist));
    return seeds;
  }

  static Map<String, byte[]> encodingSeeds() {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    Inputs x =
        Inputs.of(
            new org.learnchain.ml.spec.SampleShape.Vector(3), new float[] {0, 1.5f, -2, 3, 4, 5});
    seeds.put("inputs", prefixed(0, x.encode()));
    seeds.put("class-labels", prefixed(1, Labels.Classes.of(3, new int[] {0, 2}).encode()));
    seeds.put(
        "value-labels", prefixed(1, Labels.Values.of(2, new float[] {0.5f, -1, 2, 3}).encode()));
    return seeds;
  }

  @Test
  void seedsAreAcceptedAndSaved() {
    for (byte[] s : csvSeeds().values()) {
      LabelMode mode = (s[0] & 4) != 0 ? LabelMode.regression() : LabelMode.inferClasses();
      Result<Dataset> r =
          CsvReader.read(
              new ByteArrayInputStream(content(s)),
              "seed",
              CsvReader.Options.defaults().withLabels(mode));
      assertTrue(r.isOk(), r::toString);
      csv(s);
    }
    for (byte[] s : imageSeeds().values()) {
      assertTrue(IdxReader.readImages(new ByteArrayInputStream(content(s)), "s", MAX_BYTES).isOk());
      idxImages(s);
    }
    for (byte[] s : labelSeeds().values()) {
      assertTrue(
          IdxReader.readLabels(
                  new ByteArrayInputStream(content(s)), "s", LabelMode.classes(10), MAX_BYTES)
              .isOk());
      idxLabels(s);
    }
    for (byte[] s : encodingSeeds().values()) {
      testSetEncodings(s);
    }
    FuzzInputs.sync(getClass(), "csv", csvSeeds());
    FuzzInputs.sync(getClass(), "idxImages", imageSeeds());
    FuzzInputs.sync(getClass(), "idxLabels", labelSeeds());
    FuzzInputs.sync(getClass(), "testSetEncodings", encodingSeeds());
  }
}
