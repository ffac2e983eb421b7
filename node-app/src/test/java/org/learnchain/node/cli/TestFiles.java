package org.learnchain.node.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

final class TestFiles {
  private TestFiles() {}

  /** Writes a file only its owner can read, as a password file should be. */
  static Path privateFile(Path path, String content) throws IOException {
    Files.writeString(path, content);
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    return path;
  }
}
