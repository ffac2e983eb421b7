package org.learnchain.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeystoreTest {
  private static final char[] PASSWORD = "correct horse battery staple".toCharArray();
  private final Keystore keystore = new Keystore(10, new SecureRandom());

  @Test
  void roundTripThroughFileWithMode600(@TempDir Path dir) throws Exception {
    PrivateKey key = PrivateKey.generate(new SecureRandom());
    Path file = dir.resolve("keys/node.key");
    keystore.write(file, key, PASSWORD);

    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    PrivateKey back = Keystore.read(file, PASSWORD);
    assertArrayEquals(key.exportSeed(), back.exportSeed());
    assertEquals(key.publicKey(), Keystore.peekPublicKey(Files.readAllBytes(file), "f"));
    byte[] content = Files.readAllBytes(file);
    assertFalse(
        containsSubarray(content, key.exportSeed()), "the seed must not appear in the clear");
  }

  @Test
  void refusesToOverwrite(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("node.key");
    keystore.write(file, PrivateKey.generate(new SecureRandom()), PASSWORD);
    KeystoreException e =
        assertThrows(
            KeystoreException.class,
            () -> keystore.write(file, PrivateKey.generate(new SecureRandom()), PASSWORD));
    assertTrue(e.getMessage().contains("refusing to overwrite"), e.getMessage());
  }

  @Test
  void wrongPasswordIsOneLineError() {
    byte[] file = keystore.encrypt(PrivateKey.generate(new SecureRandom()), PASSWORD);
    KeystoreException e =
        assertThrows(
            KeystoreException.class, () -> Keystore.decrypt(file, "nope".toCharArray(), "k.key"));
    assertEquals("k.key: wrong password or tampered keystore file", e.getMessage());
  }

  @Test
  void everyTamperedByteIsDetected() {
    byte[] file = keystore.encrypt(PrivateKey.generate(new SecureRandom()), PASSWORD);
    // Flip each byte in turn: magic, version, parameters, salt, nonce, public key, ciphertext, tag.
    for (int i = 0; i < file.length; i++) {
      byte[] t = file.clone();
      t[i] ^= 0x01;
      KeystoreException e =
          assertThrows(
              KeystoreException.class, () -> Keystore.decrypt(t, PASSWORD, "k.key"), "byte " + i);
      assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
  }

  @Test
  void truncatedAndForeignFilesAreRejected() {
    byte[] file = keystore.encrypt(PrivateKey.generate(new SecureRandom()), PASSWORD);
    KeystoreException truncated =
        assertThrows(
            KeystoreException.class,
            () -> Keystore.decrypt(Arrays.copyOf(file, file.length - 3), PASSWORD, "k.key"));
    assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
    KeystoreException empty =
        assertThrows(KeystoreException.class, () -> Keystore.decrypt(new byte[0], PASSWORD, "k"));
    assertTrue(empty.getMessage().contains("not a learnchain keystore"), empty.getMessage());
    assertThrows(
        KeystoreException.class,
        () -> Keystore.read(Path.of("/nonexistent/learnchain.key"), PASSWORD));
  }

  private static boolean containsSubarray(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
