package org.learnchain.ml.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.learnchain.ml.Result;
import org.learnchain.ml.spec.SampleShape;

class CsvReaderTest {

  @Test
  void readsIrisWithTheLastColumnAsLabel() {
    Dataset iris = BuiltinDatasets.csv("iris.csv", CsvReader.Options.defaults()).value();
    assertEquals(150, iris.count());
    assertEquals(new SampleShape.Vector(4), iris.inputs().shape());
    Labels.Classes labels = (Labels.Classes) iris.labels();
    assertEquals(3, labels.classCount());
    // First data row: 5.1,3.5,1.4,0.2,0
    assertEquals(5.1f, iris.inputs().value(0, 0));
    assertEquals(0.2f, iris.inputs().value(0, 3));
    assertEquals(0, labels.label(0));
    int[] perClass = new int[3];
    for (int l : labels.toArray()) {
      perClass[l]++;
    }
    assertEquals(50, perClass[0]);
    assertEquals(50, perClass[2]);
  }

  @Test
  void readsGzippedDigitsAsImagesWhenAskedTo() {
    Dataset digits =
        BuiltinDatasets.csv(
                "digits.csv.gz",
                CsvReader.Options.defaults().withShape(new SampleShape.Image(1, 8, 8)))
            .value();
    assertEquals(1797, digits.count());
    assertEquals(new SampleShape.Image(1, 8, 8), digits.inputs().shape());
    assertEquals(10, ((Labels.Classes) digits.labels()).classCount());
    // First row starts 0,0,5,13,9,1,0,0 and is a 0.
    assertEquals(5f, digits.inputs().value(0, 2));
    assertEquals(13f, digits.inputs().value(0, 3));
  }

  @Test
  void labelColumnByNameWithRegressionTargets() {
    Dataset d =
        BuiltinDatasets.csv(
                "iris.csv",
                CsvReader.Options.defaults()
                    .withLabelColumn("petal_width")
                    .withLabels(LabelMode.regression()))
            .value();
    assertEquals(new SampleShape.Vector(4), d.inputs().shape());
    Labels.Values targets = (Labels.Values) d.labels();
    assertEquals(0.2f, targets.value(0, 0));
    // the class column is now the last feature
    assertEquals(0f, d.inputs().value(0, 3));
    assertEquals(1.4f, d.inputs().value(0, 2));
  }

  @Test
  void gzipIsRecognisedByMagicNotByName(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("plain-name.csv");
    Files.write(file, gzip("a,b,label\n1,2,0\n3,4,1\n"));
    Dataset d = CsvReader.read(file, CsvReader.Options.defaults()).value();
    assertEquals(2, d.count());
    assertEquals(4f, d.inputs().value(1, 1));
  }

  @Test
  void toleratesCrLfBlankLinesSpacesAndBom() {
    Dataset d = parse("\uFEFFa, b ,label\r\n\r\n1, 2.5e1 ,0\r\n\r\n-0,+.5,1\r\n\r\n").value();
    assertEquals(2, d.count());
    assertEquals(25f, d.inputs().value(0, 1));
    assertEquals(0.5f, d.inputs().value(1, 1));
    // negative zero is stored as zero, so equal datasets encode equally
    assertEquals(0, Float.floatToRawIntBits(d.inputs().value(1, 0)));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''| x: empty file: no header row",
        "'\n\n'| x: empty file: no header row",
        "'a,label\n'| x: no data rows after the header",
        "'label\n1\n'| x: line 1: the header needs at least one feature column and a label column",
        "'a,,label\n'| x: line 1: header column 2 has no name",
        "'a,a,label\n'| x: line 1: duplicate column name 'a'",
        "'a,b,label\n1,2,0\n1,2\n'| x: line 3: 2 cells, the header has 3",
        "'a,b,label\n1,2,0\n\n1,2,0,4,5\n'| x: line 4: 5 cells, the header has 3",
        "'a,b,label\n1,x2,0\n'| x: line 2, column 'b': 'x2' is not a number",
        "'a,b,label\n1,,0\n'| x: line 2, column 'b': '' is not a number",
        "'a,b,label\n1,NaN,0\n'| x: line 2, column 'b': 'NaN' is not a number",
        "'a,b,label\n1,\"2\",0\n'| x: line 2, column 'b': '\"2\"' is not a number",
        "'a,b,label\n1,1e39,0\n'| x: line 2, column 'b': 1e39 is outside the float range",
        "'a,b,label\n1,2,0\n1,2,2.5\n'| x: line 3, column 'label': 2.5 is not a class index (a whole"
            + " number from 0 to 4095)",
        "'a,b,label\n1,2,-1\n'| x: line 2, column 'label': -1 is not a class index (a whole number"
            + " from 0 to 4095)",
        "'a,b,label\n1,2,0\n1,2,0\n'| x: column 'label' holds a single class; need at least 2",
      })
  void rejectsBadFilesWithOneLineReasons(String content, String reason) {
    Result<Dataset> r = parse(content);
    assertFalse(r.isOk());
    assertEquals(reason, r.reason());
  }

  @Test
  void labelOutOfRangeForAKnownClassCount() {
    Result<Dataset> r =
        CsvReader.read(
            stream("a,label\n1,0\n2,3\n"),
            "x",
            CsvReader.Options.defaults().withLabels(LabelMode.classes(3)));
    assertEquals("x: line 3, column 'label': class 3 is out of range for 3 classes", r.reason());
  }

  @Test
  void unknownLabelColumnAndShapeMismatch() {
    assertEquals(
        "x: label column 'y' is not in the header (columns: a, b, label)",
        CsvReader.read(
                stream("a,b,label\n1,2,0\n"),
                "x",
                CsvReader.Options.defaults().withLabelColumn("y"))
            .reason());
    assertEquals(
        "x: sample shape image(1x2x2) needs 4 feature columns, the file has 2",
        CsvReader.read(
                stream("a,b,label\n1,2,0\n"),
                "x",
                CsvReader.Options.defaults().withShape(new SampleShape.Image(1, 2, 2)))
            .reason());
  }

  @Test
  void hostileStreamsAreCut(@TempDir Path dir) throws IOException {
    // A gzip bomb: 64 MiB of zeros compress to about 64 KiB; the limit stops it at 1 MiB.
    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bomb)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 64; i++) {
        gz.write(zeros);
      }
    }
    Result<Dataset> r =
        CsvReader.read(
            new ByteArrayInputStream(bomb.toByteArray()),
            "bomb.csv.gz",
            CsvReader.Options.defaults().withMaxBytes(1 << 20));
    assertEquals(
        "bomb.csv.gz: file too large: more than 1048576 bytes (after decompression)", r.reason());

    byte[] corrupt = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6};
    assertTrue(
        CsvReader.read(new ByteArrayInputStream(corrupt), "c.gz", CsvReader.Options.defaults())
            .reason()
            .startsWith("c.gz: "));

    byte[] latin1 = "a,label\n\u00e9,0\n".getBytes(StandardCharsets.ISO_8859_1);
    assertEquals(
        "l.csv: not UTF-8 text",
        CsvReader.read(new ByteArrayInputStream(latin1), "l.csv", CsvReader.Options.defaults())
            .reason());

    assertEquals(
        "missing.csv: no such file",
        CsvReader.read(dir.resolve("missing.csv"), CsvReader.Options.defaults()).reason());
  }

  @Test
  void inputsToPredictOnHaveEveryColumnAsAFeatureUnlessOneIsLeftOut() {
    Inputs all =
        CsvReader.readInputs(stream("a,b\n1,2\n3,4\n"), "x", CsvReader.Options.defaults()).value();
    assertEquals(new SampleShape.Vector(2), all.shape());
    assertEquals(4f, all.value(1, 1));
    Inputs withoutLabel =
        CsvReader.readInputs(
                stream("a,y,b\n1,9,2\n"), "x", CsvReader.Options.defaults().withLabelColumn("y"))
            .value();
    assertEquals(2, withoutLabel.width());
    assertEquals(2f, withoutLabel.value(0, 1));
    Result<Inputs> bad =
        CsvReader.readInputs(stream("a,b\n1,2\n3,x\n"), "x", CsvReader.Options.defaults());
    assertEquals("x: line 3, column 'b': 'x' is not a number", bad.reason());
    Result<Inputs> wrongShape =
        CsvReader.readInputs(
            stream("a,b\n1,2\n"),
            "x",
            CsvReader.Options.defaults().withShape(new SampleShape.Vector(3)));
    assertTrue(wrongShape.reason().contains("needs 3 feature columns, the file has 2"));
  }

  @Test
  void decimalSyntax() {
    for (String ok : new String[] {"0", "-1", "+2", "1.", ".5", "1.5e-3", "2E+4", "007"}) {
      assertTrue(CsvReader.isDecimal(ok), ok);
    }
    for (String bad :
        new String[] {
          "", "-", ".", "e5", "1e", "1e+", "0x10", "1f", "1d", "Infinity", "1,5", "1 2", "\u0661"
        }) {
      assertFalse(CsvReader.isDecimal(bad), bad);
    }
  }

  private static Result<Dataset> parse(String content) {
    return CsvReader.read(stream(content), "x", CsvReader.Options.defaults());
  }

  private static ByteArrayInputStream stream(String content) {
    return new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] gzip(String content) throws IOException {
    return gzip(content.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] gzip(byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(content);
    }
    return out.toByteArray();
  }
}
