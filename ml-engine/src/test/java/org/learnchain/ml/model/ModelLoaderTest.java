package org.learnchain.ml.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnchain.ml.Result;
import org.learnchain.ml.spec.LayerType;
import org.learnchain.ml.spec.ProblemLimits;
import org.learnchain.ml.spec.ProblemSpec;
import org.learnchain.ml.spec.SampleShape;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ModelLoaderTest {
  private static MultiLayerNetwork mlp;
  private static byte[] mlpBytes;

  @BeforeAll
  static void build() {
    mlp = TestNets.init(TestNets.mlp(64, 32, 10, 7));
    mlpBytes = ModelCodec.serialize(mlp);
  }

  @Test
  void canonicalBytesAreStableAndLoadToTheSameNetwork() {
    assertArrayEquals(mlpBytes, ModelCodec.serialize(mlp));
    assertArrayEquals(mlpBytes, ModelCodec.serialize(TestNets.init(TestNets.mlp(64, 32, 10, 7))));
    assertNotEquals(
        ModelCodec.hash(mlpBytes),
        ModelCodec.hash(ModelCodec.serialize(TestNets.init(TestNets.mlp(64, 32, 10, 8)))));

    LoadedModel loaded = ModelLoader.load(mlpBytes, TestNets.DIGITS).value();
    assertEquals(64 * 32 + 32 + 32 * 10 + 10, loaded.architecture().parameters());
    assertEquals(64 * 32 + 32 * 10, loaded.architecture().multiplyAdds());
    assertEquals(ModelCodec.hash(mlpBytes), loaded.hash());
    assertEquals(mlp.params(), loaded.network().params());
    INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 5, 64);
    assertEquals(mlp.output(x), loaded.network().output(x));
    // Re-serializing what was loaded gives the published bytes back.
    assertArrayEquals(mlpBytes, ModelCodec.serialize(loaded.network()));
  }

  @Test
  void canonicalBytesAreAPlainZipThatDl4jReadsToo(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("m.zip");
    Files.write(file, mlpBytes);
    try (ZipFile zip = new ZipFile(file.toFile())) {
      assertEquals(2, zip.size());
      ZipEntry first = zip.entries().nextElement();
      assertEquals(ModelArchive.COEFFICIENTS, first.getName());
      assertEquals(ZipEntry.STORED, first.getMethod());
    }
    MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file.toFile(), false);
    assertEquals(mlp.params(), restored.params());
  }

  @Test
  void rawModelSerializerOutputIsNotCanonical() throws IOException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    ModelSerializer.writeModel(mlp, raw, false);
    assertEquals(
        "model bytes are not in canonical form",
        ModelLoader.load(raw.toByteArray(), TestNets.DIGITS).reason());
    assertArrayEquals(
        mlpBytes,
        ModelCodec.canonicalize(raw.toByteArray(), ProblemLimits.ABSOLUTE_MAX_MODEL_BYTES).value());
  }

  @Test
  void convolutionalModelCostIsComputedFromTheConfiguration() {
    MultiLayerNetwork cnn = TestNets.init(TestNets.cnn(8, 3));
    byte[] bytes = ModelCodec.serialize(cnn);
    LoadedModel loaded = ModelLoader.load(bytes, TestNets.MNIST).value();
    long convParams = 8 * 25 + 8;
    long outParams = 8 * 12 * 12 * 10 + 10;
    assertEquals(cnn.numParams(), loaded.architecture().parameters());
    assertEquals(convParams + outParams, loaded.architecture().parameters());
    long convMacs = 24L * 24 * 8 * 25;
    long poolMacs = 12L * 12 * 8 * 4;
    long outMacs = 8L * 12 * 12 * 10;
    assertEquals(convMacs + poolMacs + outMacs, loaded.architecture().multiplyAdds());

    ProblemSpec noConv =
        ProblemSpec.classification(
            new SampleShape.Image(1, 28, 28),
            10,
            new ProblemLimits(
                200_000,
                2_000_000,
                EnumSet.of(LayerType.DENSE, LayerType.OUTPUT, LayerType.SUBSAMPLING),
                4 << 20));
    assertEquals(
        "layer 0 is a convolution layer, which this problem does not allow",
        ModelLoader.load(bytes, noConv).reason());
    ProblemSpec cheap =
        ProblemSpec.classification(
            new SampleShape.Image(1, 28, 28), 10, ProblemLimits.of(200_000, 100_000, 4 << 20));
    assertEquals(
        "the model needs more than 100000 multiply-adds per sample (at least 115200 by layer 0)",
        ModelLoader.load(bytes, cheap).reason());
    ProblemSpec wrongShape =
        ProblemSpec.classification(
            new SampleShape.Vector(64), 10, ProblemLimits.of(200_000, 2_000_000, 4 << 20));
    assertEquals(
        "layer 0 reshapes vector(64) into an image 1x28x28 of another size",
        ModelLoader.load(bytes, wrongShape).reason());
  }

  @Test
  void overLimitModelIsRejectedBeforeAllocation() {
    // A configuration claiming a 64 x 2^30 dense layer: allocating it would need 256 GiB. It is
    // refused from the configuration alone, with a tiny coefficients entry.
    String json =
        mlp.getLayerWiseConfigurations()
            .toJson()
            .replace("\"nout\" : 32", "\"nout\" : 1073741824")
            .replace("\"nin\" : 32", "\"nin\" : 1073741824");
    byte[] bytes = ModelArchive.of(utf8(json), new byte[16]).toCanonicalBytes();
    assertEquals(
        "the model has more than 100000 parameters (at least 69793218560 by layer 0)",
        ModelLoader.load(bytes, TestNets.DIGITS).reason());

    ProblemSpec tight =
        ProblemSpec.classification(
            new SampleShape.Vector(64), 10, ProblemLimits.of(2_000, 100_000, 1 << 20));
    assertEquals(
        "the model has more than 2000 parameters (at least 2080 by layer 0)",
        ModelLoader.load(mlpBytes, tight).reason());
    ProblemSpec small =
        ProblemSpec.classification(
            new SampleShape.Vector(64), 10, ProblemLimits.of(100_000, 100_000, 1000));
    assertEquals(
        "model of " + mlpBytes.length + " bytes exceeds the limit of 1000",
        ModelLoader.load(mlpBytes, small).reason());
  }

  @Test
  void zipBombsAreCutByTheLimits() throws IOException {
    ProblemSpec spec = TestNets.DIGITS; // maxModelBytes 1 MiB
    // 1) A deflated entry that inflates to 512 MiB (about 0.5 MiB compressed): no declared size
    //    (data descriptor), so the counting limit stops it at 1 MiB.
    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bomb)) {
      zip.putNextEntry(new ZipEntry(ModelArchive.COEFFICIENTS));
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 512; i++) {
        zip.write(zeros);
      }
      zip.closeEntry();
    }
    assertTrue(bomb.size() < 1 << 20, "bomb is " + bomb.size() + " bytes");
    assertEquals(
        "model archive entry coefficients.bin inflates past its limit of 1048576 bytes",
        ModelLoader.load(bomb.toByteArray(), spec).reason());

    // 2) The same with a declared size that lies (patched to 10 bytes in the local header).
    byte[] lying = storedThenDeflated(10);
    assertEquals(
        "model archive entry coefficients.bin inflates past its limit of 1048576 bytes",
        ModelLoader.load(lying, spec).reason());

    // 3) A declared size over the limit is refused before reading.
    ProblemSpec roomy =
        ProblemSpec.classification(
            new SampleShape.Vector(64), 10, ProblemLimits.of(100_000, 100_000, 4 << 20));
    byte[] bigConfig = new byte[ModelArchive.MAX_CONFIGURATION_BYTES + 1];
    assertEquals(
        "model archive entry configuration.json declares 1048577 bytes, limit 1048576",
        ModelLoader.load(storedZip(ModelArchive.CONFIGURATION, bigConfig), roomy).reason());

    // 4) Thousands of entries stop at the first one that is not a model entry.
    ByteArrayOutputStream many = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(many)) {
      for (int i = 0; i < 5000; i++) {
        zip.putNextEntry(new ZipEntry("e" + i));
        zip.closeEntry();
      }
    }
    assertEquals(
        "model archive has an unexpected entry 'e0'",
        ModelLoader.load(many.toByteArray(), spec).reason());
    ByteArrayOutputStream dup = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(dup)) {
      zip.putNextEntry(new ZipEntry(ModelArchive.CONFIGURATION));
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry(ModelArchive.COEFFICIENTS));
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry(ModelArchive.CONFIGURATION + "/"));
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry("x"));
      zip.closeEntry();
    }
    // ZipOutputStream refuses duplicate names; local headers written by hand do not.
    byte[] twice =
        concat(
            localStored(ModelArchive.CONFIGURATION, new byte[] {'{', '}'}),
            localStored(ModelArchive.CONFIGURATION, new byte[] {'{', '}'}));
    assertEquals(
        "model archive holds configuration.json twice", ModelLoader.load(twice, spec).reason());
    // Two valid entries, then more: refused at the third entry's header, before reading it.
    assertEquals(
        "model archive has more than 2 entries",
        ModelLoader.load(dup.toByteArray(), spec).reason());
  }

  @Test
  void hostileOrBrokenContentIsRejected() throws IOException {
    // Java serialization is a code-execution vector in ModelSerializer's restore path.
    byte[] withPreprocessor = storedZip("preprocessor.bin", new byte[] {(byte) 0xac, (byte) 0xed});
    assertEquals(
        "model archive has an unexpected entry 'preprocessor.bin'",
        ModelLoader.load(withPreprocessor, TestNets.DIGITS).reason());

    String json = mlp.getLayerWiseConfigurations().toJson();
    byte[] coefficients = ModelArchive.read(mlpBytes, 1 << 20).value().coefficients();
    String foreign =
        json.replace("org.nd4j.linalg.activations.impl.ActivationReLU", "java.net.URLClassLoader");
    assertEquals(
        "the configuration names a class outside DL4J's configuration packages:"
            + " java.net.URLClassLoader",
        load(foreign, coefficients));
    assertEquals(
        "the configuration nests deeper than 24 levels", load("[".repeat(100_000), coefficients));
    assertTrue(load("{\"confs\": [", coefficients).startsWith("the configuration is not valid"));
    assertTrue(
        load("{\"confs\": 5}", coefficients).startsWith("the configuration is not a valid DL4J"));
    String sigmoidOut =
        json.replace(
            "org.nd4j.linalg.activations.impl.ActivationSoftmax",
            "org.nd4j.linalg.activations.impl.ActivationSigmoid");
    assertEquals(
        "the output layer of a classification model must use softmax",
        load(sigmoidOut, coefficients));
    String rrelu =
        json.replace(
            "org.nd4j.linalg.activations.impl.ActivationReLU",
            "org.nd4j.linalg.activations.impl.ActivationRReLU");
    assertEquals(
        "layer 0 uses an unsupported activation ActivationRReLU", load(rrelu, coefficients));

    byte[] shortCoefficients = java.util.Arrays.copyOf(coefficients, coefficients.length - 4);
    assertEquals(
        "coefficient data needs 9640 bytes, the entry has 9636", load(json, shortCoefficients));
    byte[] nan = coefficients.clone();
    int last = nan.length - 4;
    nan[last] = (byte) 0x7f;
    nan[last + 1] = (byte) 0xc0;
    nan[last + 2] = 0;
    nan[last + 3] = 0;
    assertEquals("parameter 2409 is not finite", load(json, nan));

    // A flipped bit in the published bytes breaks the entry's CRC.
    byte[] tampered = mlpBytes.clone();
    tampered[200] ^= 1;
    Result<LoadedModel> r = ModelLoader.load(tampered, TestNets.DIGITS);
    assertFalse(r.isOk());
    assertTrue(r.reason().startsWith("model archive is not a valid zip"), r.reason());
    assertEquals(
        "model archive has no configuration.json",
        ModelLoader.load(storedZip(ModelArchive.COEFFICIENTS, new byte[3]), TestNets.DIGITS)
            .reason());
    assertEquals(
        "model archive has no configuration.json",
        ModelLoader.load(new byte[0], TestNets.DIGITS).reason());
  }

  private static String load(String json, byte[] coefficients) {
    byte[] bytes = ModelArchive.of(utf8(json), coefficients).toCanonicalBytes();
    Result<LoadedModel> r = ModelLoader.load(bytes, TestNets.DIGITS);
    assertFalse(r.isOk());
    return r.reason();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] storedZip(String name, byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      ZipEntry e = new ZipEntry(name);
      e.setMethod(ZipEntry.STORED);
      e.setSize(content.length);
      e.setCompressedSize(content.length);
      CRC32 crc = new CRC32();
      crc.update(content);
      e.setCrc(crc.getValue());
      zip.putNextEntry(e);
      zip.write(content);
      zip.closeEntry();
    }
    return out.toByteArray();
  }

  /** One stored entry's local header and data (no central directory). */
  private static byte[] localStored(String entryName, byte[] content) {
    byte[] name = entryName.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(content);
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(30 + name.length + content.length)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.putInt(0x04034b50)
        .putShort((short) 10)
        .putShort((short) 0)
        .putShort((short) 0)
        .putShort((short) 0)
        .putShort((short) 0x21)
        .putInt((int) crc.getValue())
        .putInt(content.length)
        .putInt(content.length)
        .putShort((short) name.length)
        .putShort((short) 0)
        .put(name)
        .put(content);
    return b.array();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** A deflated 64 MiB entry whose local header claims {@code declared} bytes. */
  private static byte[] storedThenDeflated(int declared) throws IOException {
    byte[] zeros = new byte[64 << 20];
    java.util.zip.Deflater deflater = new java.util.zip.Deflater(9, true);
    deflater.setInput(zeros);
    deflater.finish();
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    byte[] buf = new byte[1 << 16];
    while (!deflater.finished()) {
      compressed.write(buf, 0, deflater.deflate(buf));
    }
    deflater.end();
    byte[] data = compressed.toByteArray();
    byte[] name = ModelArchive.COEFFICIENTS.getBytes(StandardCharsets.US_ASCII);
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(30 + name.length + data.length)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.putInt(0x04034b50)
        .putShort((short) 20)
        .putShort((short) 0)
        .putShort((short) 8)
        .putShort((short) 0)
        .putShort((short) 0x21)
        .putInt(0)
        .putInt(data.length)
        .putInt(declared)
        .putShort((short) name.length)
        .putShort((short) 0)
        .put(name)
        .put(data);
    return b.array();
  }
}
