package org.learnchain.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HashingTest {
  @Test
  void sha256KnownAnswers() throws Exception {
    // FIPS 180-2 examples.
    assertEquals(
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        Hashing.sha256("abc".getBytes(StandardCharsets.US_ASCII)).toHex());
    assertEquals(
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        Hashing.sha256(new byte[0]).toHex());
    byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
    assertEquals(Hashing.sha256(abc), Hashing.sha256(new byte[] {'a'}, new byte[] {'b', 'c'}));
    assertEquals(Hashing.sha256(abc), Hashing.sha256(new ByteArrayInputStream(abc)));
  }

  @Test
  void wordsAreTheDigestsLittleEndianLongs() {
    // "abc": ba7816bf 8f01cfea ...; the first word reads those eight bytes little-endian.
    Hash h = Hashing.sha256("abc".getBytes(StandardCharsets.US_ASCII));
    assertEquals(0xeacf018fbf1678baL, h.word(0));
    assertEquals(0xad1500f261ff10b4L, h.word(Hash.WORDS - 1));
  }

  @Test
  void hexRoundTripAndValidation() {
    Hash h = Hashing.sha256(new byte[] {1, 2, 3});
    assertEquals(h, Hash.fromHex(h.toHex()));
    assertThrows(IllegalArgumentException.class, () -> Hash.fromHex("abcd"));
    assertThrows(IllegalArgumentException.class, () -> Hash.wrap(new byte[31]));
  }
}
