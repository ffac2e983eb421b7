package org.learnchain.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a configuration file as text with the checks every config input gets: it exists, is a
 * regular file, is at most {@link #MAX_BYTES} long and is valid UTF-8. Node config and genesis are
 * small; anything larger is a mistake (wrong file) or an attempt to exhaust memory.
 */
public final class ConfigText {
  /** Largest configuration or genesis file accepted: 1 MiB. */
  public static final int MAX_BYTES = 1 << 20;

  private ConfigText() {}

  /** The file's text, or a one-problem result naming the file and what is wrong with it. */
  public static ConfigResult<String> read(Path file) {
    String source = file.toString();
    if (Files.isDirectory(file)) {
      return ConfigResult.invalid(ConfigProblem.of(source, "", "is a directory, not a file"));
    }
    byte[] bytes;
    // Read at most one byte past the limit instead of trusting Files.size(): the file may be a
    // pipe or still growing.
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (NoSuchFileException e) {
      return ConfigResult.invalid(ConfigProblem.of(source, "", "file not found"));
    } catch (AccessDeniedException e) {
      return ConfigResult.invalid(ConfigProblem.of(source, "", "permission denied"));
    } catch (IOException e) {
      return ConfigResult.invalid(
          ConfigProblem.of(source, "", "cannot read file (" + e.getMessage() + ")"));
    }
    if (bytes.length > MAX_BYTES) {
      return ConfigResult.invalid(
          ConfigProblem.of(
              source,
              "",
              "file is larger than "
                  + (MAX_BYTES >> 20)
                  + " MiB; a configuration or genesis file is never that big"));
    }
    return decode(bytes, source);
  }

  /** Decodes strict UTF-8 (a leading byte-order mark is dropped). */
  static ConfigResult<String> decode(byte[] bytes, String source) {
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      return ConfigResult.valid(text.startsWith("\uFEFF") ? text.substring(1) : text);
    } catch (CharacterCodingException e) {
      return ConfigResult.invalid(ConfigProblem.of(source, "", "not a text file (invalid UTF-8)"));
    }
  }
}
