package org.learnchain.node.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTokenTest {

  @Test
  void aWrittenTokenReadsBackAndMatchesOnlyItself(@TempDir Path dir) throws Exception {
    ApiToken t = ApiToken.generate(new SecureRandom());
    Path f = dir.resolve("api.token");
    t.writeNew(f);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    ApiToken back = ApiToken.read(f).value();
    assertTrue(back.matches(t.reveal()));
    assertFalse(back.matches(t.reveal() + "0"));
    assertFalse(back.matches(""));
    assertEquals("ApiToken[redacted]", back.toString(), "never printed");
    assertThrows(FileAlreadyExistsException.class, () -> t.writeNew(f));
  }

  @Test
  void badFilesAreOneLineErrors(@TempDir Path dir) throws Exception {
    assertTrue(ApiToken.read(dir.resolve("none")).reason().contains("no such API token file"));
    Files.writeString(dir.resolve("short"), "abc");
    assertTrue(ApiToken.read(dir.resolve("short")).reason().contains("16..512"));
    Files.writeString(dir.resolve("spaces"), "0123456789 abcdef0123");
    assertTrue(ApiToken.read(dir.resolve("spaces")).reason().contains("printable"));
  }
}
