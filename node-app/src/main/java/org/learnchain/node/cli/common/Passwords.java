package org.learnchain.node.cli.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.learnchain.crypto.Keystore;
import org.learnchain.crypto.KeystoreException;
import org.learnchain.crypto.PrivateKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where keystore passwords come from: a file named on the command line, else the {@code
 * LEARNCHAIN_PASSWORD} environment variable. Never a command-line flag: arguments are visible to
 * every user of the machine through the process list. Passwords are handled as char arrays that
 * callers wipe, and never logged.
 */
public final class Passwords {
  public static final String ENV_VAR = "LEARNCHAIN_PASSWORD";

  /** A password file longer than this is the wrong file. */
  static final int MAX_FILE_BYTES = 4096;

  private static final Logger LOG = LoggerFactory.getLogger(Passwords.class);

  private Passwords() {}

  /**
   * The password from {@code passwordFile} if given (one trailing line break dropped), else from
   * {@code env}'s {@value #ENV_VAR}. The caller wipes the returned array.
   */
  public static CliResult<char[]> resolve(Path passwordFile, Map<String, String> env) {
    if (passwordFile != null) {
      return fromFile(passwordFile);
    }
    String fromEnv = env.get(ENV_VAR);
    if (fromEnv == null) {
      return CliResult.error("no password: set " + ENV_VAR + " or pass --password-file FILE");
    }
    if (fromEnv.isEmpty()) {
      return CliResult.error(ENV_VAR + " is set but empty");
    }
    return CliResult.ok(fromEnv.toCharArray());
  }

  private static CliResult<char[]> fromFile(Path file) {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    } catch (NoSuchFileException e) {
      return CliResult.error(file + ": no such password file");
    } catch (AccessDeniedException e) {
      return CliResult.error(file + ": permission denied");
    } catch (IOException e) {
      return CliResult.error(file + ": cannot read password file (" + e.getMessage() + ")");
    }
    try {
      if (bytes.length > MAX_FILE_BYTES) {
        return CliResult.error(
            file + ": password file is larger than " + MAX_FILE_BYTES + " bytes");
      }
      warnIfReadableByOthers(file);
      CharBuffer chars;
      try {
        chars =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes));
      } catch (CharacterCodingException e) {
        return CliResult.error(file + ": password file is not UTF-8 text");
      }
      int end = chars.limit();
      // Editors and `echo` add a final line break that is not part of the password.
      if (end > 0 && chars.get(end - 1) == '\n') {
        end--;
        if (end > 0 && chars.get(end - 1) == '\r') {
          end--;
        }
      }
      char[] password = new char[end];
      chars.get(password, 0, end);
      wipe(chars);
      if (password.length == 0) {
        return CliResult.error(file + ": password file is empty");
      }
      return CliResult.ok(password);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /**
   * Reads and decrypts the keystore at {@code keyFile} with the password from {@link #resolve}.
   * Wrong password, missing or damaged file: an error with a one-line reason.
   */
  public static CliResult<PrivateKey> unlock(
      Path keyFile, Path passwordFile, Map<String, String> env) {
    CliResult<char[]> password = resolve(passwordFile, env);
    if (!password.isOk()) {
      return CliResult.error(password.error());
    }
    char[] pw = password.value();
    try {
      return CliResult.ok(Keystore.read(keyFile, pw));
    } catch (KeystoreException e) {
      return CliResult.error(e.getMessage());
    } finally {
      Arrays.fill(pw, '\0');
    }
  }

  private static void warnIfReadableByOthers(Path file) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.contains(PosixFilePermission.OTHERS_READ)
          || perms.contains(PosixFilePermission.GROUP_READ)) {
        LOG.warn("Password file is readable by other users file={} (chmod 600 it)", file);
      }
    } catch (UnsupportedOperationException | IOException e) {
      // Not a POSIX file system, or the attributes are unreadable: nothing to warn about.
      LOG.debug("Cannot read permissions of password file file={}", file);
    }
  }

  private static void wipe(CharBuffer chars) {
    if (chars.hasArray()) {
      Arrays.fill(chars.array(), '\0');
    }
  }
}
