package org.learnchain.node.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.port.ProblemSecrets;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;

class FileProblemSecretsTest {
  private static final Hash ID = Hashing.sha256(new byte[] {7});

  @Test
  void aSecretSurvivesReopeningAndIsOwnerOnly(@TempDir Path dir) throws Exception {
    ProblemSecrets.Secret s =
        new ProblemSecrets.Secret(
            Bytes.own(new byte[32]), Bytes.own(new byte[] {1, 2, 3}), Bytes.own(new byte[] {4}));
    new FileProblemSecrets(dir).put(ID, s);
    FileProblemSecrets reopened = new FileProblemSecrets(dir);
    assertEquals(s, reopened.find(ID).orElseThrow());
    assertTrue(reopened.find(Hashing.sha256(new byte[] {8})).isEmpty());
    Path file = dir.resolve(ID.toHex() + ".secret");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    reopened.delete(ID);
    assertTrue(new FileProblemSecrets(dir).find(ID).isEmpty());
  }

  @Test
  void aDamagedFileIsNoSecretRatherThanACrash(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve(ID.toHex() + ".secret"), new byte[] {1, 0, 0});
    assertTrue(new FileProblemSecrets(dir).find(ID).isEmpty());
  }
}
