package org.learnchain.ml.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnchain.ml.Result;
import org.learnchain.ml.spec.SampleShape;

class IdxReaderTest {

  @Test
  void readsTheMnistFiles() {
    BuiltinDatasets.TrainTest mnist = BuiltinDatasets.mnist().value();
    assertEquals(8000, mnist.train().count());
    assertEquals(2000, mnist.test().count());
    assertEquals(new SampleShape.Image(1, 28, 28), mnist.train().inputs().shape());
    float[] pixels = mnist.train().inputs().toArray();
    float min = Float.MAX_VALUE;
    float max = -Float.MAX_VALUE;
    for (float p : pixels) {
      min = Math.min(min, p);
      max = Math.max(max, p);
    }
    assertEquals(0f, min);
    assertEquals(1f, max);
    int[] perClass = new int[10];
    for (int l : ((Labels.Classes) mnist.train().labels()).toArray()) {
      perClass[l]++;
    }
    for (int c = 0; c < 10; c++) {
      assertTrue(perClass[c] > 600 && perClass[c] < 1000, "class " + c + ": " + perClass[c]);
    }
  }

  @Test
  void uncompressedFilesGiveTheSameDataset(@TempDir Path dir) throws IOException {
    Path images = dir.resolve("imgs.idx");
    Path labels = dir.resolve("labels.idx");
    Files.write(images, resourceBytes("mnist-test-images-idx3-ubyte.gz"));
    Files.write(labels, resourceBytes("mnist-test-labels-idx1-ubyte.gz"));
    Dataset plain = IdxReader.read(images, labels, LabelMode.classes(10), 1 << 24).value();
    Dataset gz = BuiltinDatasets.mnist().value().test();
    assertEquals(gz, plain);
    assertEquals(gz.contentHash(), plain.contentHash());
  }

  @Test
  void rejectsMalformedFiles() throws IOException {
    byte[] images = tinyImages(3, 2, 2);
    byte[] labels = tinyLabels(0, 1, 2);
    assertEquals(3, images(images).value().count());

    assertEquals(
        "img: wrong magic number 0x00000801, expected 0x00000803 (IDX images: unsigned bytes, 3"
            + " dimensions)",
        images(labels).reason());
    assertEquals(
        "lab: wrong magic number 0x00000803, expected 0x00000801 (IDX labels: unsigned bytes, 1"
            + " dimension)",
        labels(images, LabelMode.inferClasses()).reason());
    assertEquals("img: empty file", images(new byte[0]).reason());
    assertEquals("lab: empty file", labels(new byte[0], LabelMode.inferClasses()).reason());
    assertEquals(
        "img: the header declares 3 images of 2x2 (12 bytes) but the file holds 11 bytes of"
            + " pixels",
        images(Arrays.copyOf(images, images.length - 1)).reason());
    assertEquals(
        "img: the header declares 3 images of 2x2 (12 bytes) but the file holds 13 bytes of"
            + " pixels",
        images(Arrays.copyOf(images, images.length + 1)).reason());
    assertEquals(
        "lab: the header declares 3 labels but the file holds 2",
        labels(Arrays.copyOf(labels, labels.length - 1), LabelMode.inferClasses()).reason());
    assertEquals(
        "lab: label 2 at index 2 is out of range for 2 classes",
        labels(labels, LabelMode.classes(2)).reason());
    assertEquals(
        "lab: IDX label files hold class indices, not regression targets",
        labels(labels, LabelMode.regression()).reason());
    assertEquals(
        "the images file holds 3 images but the labels file holds 2 labels",
        IdxReader.combine(
                images(images).value(), labels(tinyLabels(0, 1), LabelMode.inferClasses()).value())
            .reason());
    ByteBuffer hugeHeader = ByteBuffer.wrap(images.clone());
    hugeHeader.putInt(4, Integer.MAX_VALUE).putInt(8, 60_000).putInt(12, 60_000);
    assertEquals("img: unsupported image size 60000x60000", images(hugeHeader.array()).reason());
  }

  @Test
  void pixelsAreScaledToTheUnitInterval() {
    byte[] images = tinyImages(1, 1, 3);
    images[16] = 0;
    images[17] = (byte) 51;
    images[18] = (byte) 255;
    Inputs in = images(images).value();
    assertEquals(0f, in.value(0, 0));
    assertEquals(0.2f, in.value(0, 1));
    assertEquals(1f, in.value(0, 2));
  }

  private static Result<Inputs> images(byte[] bytes) {
    return IdxReader.readImages(new ByteArrayInputStream(bytes), "img", 1 << 20);
  }

  private static Result<Labels> labels(byte[] bytes, LabelMode mode) {
    return IdxReader.readLabels(new ByteArrayInputStream(bytes), "lab", mode, 1 << 20);
  }

  static byte[] tinyImages(int n, int h, int w) {
    ByteBuffer b = ByteBuffer.allocate(16 + n * h * w);
    b.putInt(IdxReader.IMAGES_MAGIC).putInt(n).putInt(h).putInt(w);
    for (int i = 0; i < n * h * w; i++) {
      b.put((byte) (i * 37));
    }
    return b.array();
  }

  static byte[] tinyLabels(int... labels) {
    ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
    b.putInt(IdxReader.LABELS_MAGIC).putInt(labels.length);
    for (int l : labels) {
      b.put((byte) l);
    }
    return b.array();
  }

  private static byte[] resourceBytes(String name) throws IOException {
    try (InputStream in =
        new GZIPInputStream(IdxReaderTest.class.getResourceAsStream("/datasets/" + name))) {
      return in.readAllBytes();
    }
  }
}
