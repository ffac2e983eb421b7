package org.learnchain.ml.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.Hashing;
import org.learnchain.ml.spec.SampleShape;

class DatasetEncodingTest {
  private static final Inputs INPUTS =
      Inputs.of(new SampleShape.Vector(2), new float[] {1f, -0f, 0.5f, -2f});
  private static final Labels CLASSES = Labels.Classes.of(3, new int[] {2, 0});
  private static final Labels VALUES = Labels.Values.of(1, new float[] {1.5f, -3f});

  @Test
  void encodingsAreStableByteForByte() {
    assertEquals(
        "01" + "01" + "00000002" + "00000002" + "3f800000" + "00000000" + "3f000000" + "c0000000",
        HexFormat.of().formatHex(INPUTS.encode()));
    assertEquals(
        "01" + "01" + "00000003" + "00000002" + "00000002" + "00000000",
        HexFormat.of().formatHex(CLASSES.encode()));
    assertEquals(
        "01" + "02" + "00000001" + "00000002" + "3fc00000" + "c0400000",
        HexFormat.of().formatHex(VALUES.encode()));
  }

  @Test
  void roundTripsRealDatasets() {
    Dataset digits = BuiltinDatasets.digits().value().test();
    Inputs in = Inputs.decode(digits.inputs().encode(), 10_000).value();
    Labels lb = Labels.decode(digits.labels().encode(), 10_000).value();
    assertEquals(digits, new Dataset(in, lb));
    assertEquals(digits.contentHash(), new Dataset(in, lb).contentHash());
    assertEquals(VALUES, Labels.decode(VALUES.encode(), 2).value());
  }

  @Test
  void hashesCommitToContentAndSalt() {
    Dataset a = new Dataset(INPUTS, CLASSES);
    Dataset b = new Dataset(INPUTS, Labels.Classes.of(3, new int[] {1, 0}));
    assertNotEquals(a.contentHash(), b.contentHash());
    assertEquals(Hashing.sha256(INPUTS.encode(), CLASSES.encode()), a.contentHash());
    byte[] salt1 = new byte[32];
    byte[] salt2 = new byte[32];
    salt2[0] = 1;
    assertEquals(Hashing.sha256(salt1, INPUTS.encode()), INPUTS.saltedHash(salt1));
    assertNotEquals(INPUTS.saltedHash(salt1), INPUTS.saltedHash(salt2));
    assertNotEquals(CLASSES.saltedHash(salt1), CLASSES.saltedHash(salt2));
  }

  @Test
  void decodingRejectsNonCanonicalOrOversizedInput() {
    byte[] enc = INPUTS.encode();
    for (int n = 0; n < enc.length; n++) {
      assertFalse(Inputs.decode(Arrays.copyOf(enc, n), 100).isOk(), "prefix " + n);
    }
    assertEquals("inputs hold 2 samples, limit 1", Inputs.decode(enc, 1).reason());
    assertEquals(
        "inputs declare 4 values but carry 17 bytes of values",
        Inputs.decode(Arrays.copyOf(enc, enc.length + 1), 100).reason());
    byte[] negZero = enc.clone();
    ByteBuffer.wrap(negZero).putInt(14, 0x80000000);
    assertEquals(
        "input value 1 is a negative zero (not canonical)", Inputs.decode(negZero, 100).reason());
    byte[] nan = enc.clone();
    ByteBuffer.wrap(nan).putInt(10, 0x7fc00000);
    assertEquals("input value 0 is not finite", Inputs.decode(nan, 100).reason());
    byte[] hugeCount = enc.clone();
    ByteBuffer.wrap(hugeCount).putInt(6, Integer.MAX_VALUE);
    assertEquals(
        "inputs hold 2147483647 samples, limit 2147483647",
        Inputs.decode(hugeCount, Integer.MAX_VALUE - 1)
            .reason()
            .replace("2147483646", "2147483647"));

    byte[] labels = CLASSES.encode();
    byte[] outOfRange = labels.clone();
    ByteBuffer.wrap(outOfRange).putInt(10, 3);
    assertEquals(
        "label 3 of sample 0 is out of range for 3 classes",
        Labels.decode(outOfRange, 100).reason());
    assertEquals("unknown labels kind 9", Labels.decode(patch(labels, 1, 9), 100).reason());
    assertEquals(
        "labels declare 2 samples but carry 9 bytes",
        Labels.decode(Arrays.copyOf(labels, labels.length + 1), 100).reason());
  }

  @Test
  void selectAndSplitAreDeterministic() {
    Dataset digits = BuiltinDatasets.digits().value().train();
    Dataset.Split s1 = digits.split(100, 42);
    Dataset.Split s2 = digits.split(100, 42);
    assertEquals(s1, s2);
    assertEquals(digits.count() - 100, s1.first().count());
    assertNotEquals(s1, digits.split(100, 43));
    assertArrayEquals(
        digits.inputs().copyRows(5, 6), digits.select(new int[] {5}).inputs().toArray());
  }

  private static byte[] patch(byte[] b, int i, int v) {
    byte[] c = b.clone();
    c[i] = (byte) v;
    return c;
  }
}
