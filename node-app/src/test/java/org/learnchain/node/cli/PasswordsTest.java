package org.learnchain.node.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnchain.crypto.Keystore;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.node.cli.common.CliResult;
import org.learnchain.node.cli.common.Passwords;
import org.slf4j.LoggerFactory;

class PasswordsTest {
  @TempDir Path dir;

  @Test
  void unlocksWithTheRightPasswordOnly() throws Exception {
    PrivateKey key = PrivateKey.generate(new SecureRandom());
    Path file = dir.resolve("node.key");
    new Keystore(CliHarness.TEST_SCRYPT_LOG_N, new SecureRandom())
        .write(file, key, "right".toCharArray());

    CliResult<PrivateKey> ok = Passwords.unlock(file, null, Map.of("LEARNCHAIN_PASSWORD", "right"));
    assertTrue(ok.isOk());
    assertArrayEquals(key.exportSeed(), ok.value().exportSeed());

    CliResult<PrivateKey> wrong =
        Passwords.unlock(file, null, Map.of("LEARNCHAIN_PASSWORD", "wrong"));
    assertFalse(wrong.isOk());
    assertEquals(file + ": wrong password or tampered keystore file", wrong.error());

    CliResult<PrivateKey> none = Passwords.unlock(file, null, Map.of());
    assertEquals("no password: set LEARNCHAIN_PASSWORD or pass --password-file FILE", none.error());

    Path missing = dir.resolve("missing.key");
    assertEquals(
        missing + ": no such keystore file",
        Passwords.unlock(missing, null, Map.of("LEARNCHAIN_PASSWORD", "right")).error());

    Path truncated = dir.resolve("short.key");
    Files.write(truncated, Arrays.copyOf(Files.readAllBytes(file), 40));
    String error =
        Passwords.unlock(truncated, null, Map.of("LEARNCHAIN_PASSWORD", "right")).error();
    assertTrue(error.contains("truncated"), error);
    assertFalse(error.contains("\n"));
  }

  @Test
  void passwordFileKeepsInnerWhitespaceAndDropsOneLineBreak() throws Exception {
    Path pw = TestFiles.privateFile(dir.resolve("pw"), " two words \n\n");
    char[] p = Passwords.resolve(pw, Map.of()).value();
    // Only the last line break goes: the rest is the password as written.
    assertEquals(" two words \n", new String(p));
  }

  @Test
  void passwordFileReadableByOthersIsWarnedAboutWithoutThePassword() throws Exception {
    Path pw = Files.writeString(dir.resolve("open-pw"), "do-not-log-me");
    Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-r--r--"));
    Logger logger = (Logger) LoggerFactory.getLogger(Passwords.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      assertEquals("do-not-log-me", new String(Passwords.resolve(pw, Map.of()).value()));
      Path closed = TestFiles.privateFile(dir.resolve("closed-pw"), "quiet");
      Passwords.resolve(closed, Map.of());
    } finally {
      logger.detachAppender(appender);
    }
    assertEquals(1, appender.list.size());
    ILoggingEvent event = appender.list.get(0);
    assertEquals(Level.WARN, event.getLevel());
    assertTrue(event.getFormattedMessage().contains(pw.toString()), event.getFormattedMessage());
    assertFalse(event.getFormattedMessage().contains("do-not-log-me"));
  }
}
