package org.learnchain.node.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import org.learnchain.consensus.Result;

/**
 * The secret that authorises a node's API calls that spend its funds or act on its behalf (problem
 * submission, block re-verification). 32 random bytes written as hex into a file only the owner can
 * read; clients send it in the {@code authorization: Bearer TOKEN} header. It is compared in
 * constant time and never logged.
 */
public final class ApiToken {
  /** Hex characters of a generated token. */
  public static final int HEX_LENGTH = 64;

  private static final int MAX_FILE_BYTES = 1024;

  private final byte[] value;

  private ApiToken(String value) {
    this.value = value.getBytes(StandardCharsets.US_ASCII);
  }

  /** A fresh random token. */
  public static ApiToken generate(SecureRandom random) {
    byte[] b = new byte[HEX_LENGTH / 2];
    random.nextBytes(b);
    return new ApiToken(HexFormat.of().formatHex(b));
  }

  /**
   * The token in {@code text} (surrounding whitespace ignored); it must be 16..512 printable
   * characters.
   */
  public static Result<ApiToken> parse(String text, String source) {
    String t = text.strip();
    if (t.length() < 16 || t.length() > 512) {
      return Result.err(source + ": an API token has 16..512 characters, found " + t.length());
    }
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c <= ' ' || c > '~') {
        return Result.err(source + ": the API token holds a character that is not printable ASCII");
      }
    }
    return Result.ok(new ApiToken(t));
  }

  /** Reads a token file; a missing, unreadable or malformed file is an error naming it. */
  public static Result<ApiToken> read(Path file) {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    } catch (NoSuchFileException e) {
      return Result.err(file + ": no such API token file");
    } catch (AccessDeniedException e) {
      return Result.err(file + ": permission denied");
    } catch (IOException e) {
      return Result.err(file + ": cannot read the API token file (" + e.getMessage() + ")");
    }
    if (bytes.length > MAX_FILE_BYTES) {
      return Result.err(file + ": larger than an API token file can be");
    }
    return parse(new String(bytes, StandardCharsets.US_ASCII), file.toString());
  }

  /** Writes the token into a new file of mode 600; an existing file is never overwritten. */
  public void writeNew(Path file) throws IOException {
    Files.writeString(
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
        new String(value, StandardCharsets.US_ASCII) + "\n",
        StandardOpenOption.WRITE);
  }

  /** Whether {@code presented} is this token, in time independent of where they differ. */
  public boolean matches(String presented) {
    Objects.requireNonNull(presented, "presented");
    return MessageDigest.isEqual(value, presented.getBytes(StandardCharsets.US_ASCII));
  }

  /** The token text, for a client building its request header. */
  public String reveal() {
    return new String(value, StandardCharsets.US_ASCII);
  }

  @Override
  public String toString() {
    return "ApiToken[redacted]";
  }
}
