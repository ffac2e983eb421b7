package org.learnchain.node.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.learnchain.crypto.Keystore;
import org.learnchain.crypto.KeystoreException;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.node.cli.CliHarness.Run;

class KeysNewCommandTest {
  private static final Map<String, String> ENV = Map.of("LEARNCHAIN_PASSWORD", "s3cret pass");

  @TempDir Path dir;

  @Test
  void writesAKeystoreReadableWithThePassword() throws Exception {
    Path out = dir.resolve("keys/node.key");
    Run r = CliHarness.run(ENV, "keys", "new", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    String[] lines = r.out().split("\n");
    assertEquals(3, lines.length, r.out());
    String address = lines[0].replaceFirst("^address\\s+", "");
    String publicKey = lines[1].replaceFirst("^publicKey\\s+", "");
    assertEquals("keystore   " + out.toAbsolutePath(), lines[2]);

    PrivateKey key = Keystore.read(out, "s3cret pass".toCharArray());
    assertEquals(publicKey, key.publicKey().toHex());
    assertEquals(address, key.publicKey().address().toHex());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
    // The password is not the key: a wrong one fails.
    assertThrows(KeystoreException.class, () -> Keystore.read(out, "s3cret".toCharArray()));
  }

  @Test
  void jsonOutputIsOneObject() throws Exception {
    Path out = dir.resolve("k.key");
    Run r = CliHarness.run(ENV, "keys", "new", "--out", out.toString(), "--json");
    assertEquals(0, r.code(), r.err());
    assertEquals(1, r.out().lines().count(), r.out());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals(3, o.size(), r.out());
    PublicKey pk = PublicKey.fromHex(o.get("publicKey").getAsString());
    assertEquals(pk.address().toHex(), o.get("address").getAsString());
    assertEquals(out.toAbsolutePath().toString(), o.get("keystore").getAsString());
    assertEquals(pk, Keystore.read(out, "s3cret pass".toCharArray()).publicKey());
  }

  @Test
  void twoRunsGiveTwoDifferentKeys() throws Exception {
    Run a = CliHarness.run(ENV, "keys", "new", "--out", dir.resolve("a.key").toString(), "--json");
    Run b = CliHarness.run(ENV, "keys", "new", "--out", dir.resolve("b.key").toString(), "--json");
    assertFalse(
        JsonParser.parseString(a.out())
            .getAsJsonObject()
            .get("publicKey")
            .equals(JsonParser.parseString(b.out()).getAsJsonObject().get("publicKey")));
  }

  @Test
  void passwordFileWinsOverEnvironmentAndLosesItsTrailingNewline() throws Exception {
    Path pw = TestFiles.privateFile(dir.resolve("pw"), "from-file\r\n");
    Path out = dir.resolve("f.key");
    Run r =
        CliHarness.run(
            ENV, "keys", "new", "--out", out.toString(), "--password-file", pw.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(
        r.out().lines().skip(1).findFirst().orElseThrow().replaceFirst("^publicKey\\s+", ""),
        Keystore.read(out, "from-file".toCharArray()).publicKey().toHex());
  }

  @Test
  void refusesToOverwriteAnExistingFile() throws Exception {
    Path out = dir.resolve("k.key");
    assertEquals(0, CliHarness.run(ENV, "keys", "new", "--out", out.toString()).code());
    byte[] before = Files.readAllBytes(out);
    Run r = CliHarness.run(ENV, "keys", "new", "--out", out.toString());
    assertEquals(1, r.code());
    assertEquals("", r.out());
    assertEquals("error: " + out + ": file exists; refusing to overwrite a key\n", r.err());
    assertArrayEquals(before, Files.readAllBytes(out));
  }

  @Test
  void missingPasswordIsOneLine() {
    Path out = dir.resolve("k.key");
    Run r = CliHarness.run(Map.of(), "keys", "new", "--out", out.toString());
    assertEquals(1, r.code());
    assertEquals(
        "error: no password: set LEARNCHAIN_PASSWORD or pass --password-file FILE\n", r.err());
    assertFalse(Files.exists(out));

    r = CliHarness.run(Map.of("LEARNCHAIN_PASSWORD", ""), "keys", "new", "--out", out.toString());
    assertEquals(1, r.code());
    assertEquals("error: LEARNCHAIN_PASSWORD is set but empty\n", r.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void badPasswordFilesAreOneLine() throws IOException {
    Path out = dir.resolve("k.key");
    Path missing = dir.resolve("nope");
    Path empty = TestFiles.privateFile(dir.resolve("empty"), "\n");
    Path huge = TestFiles.privateFile(dir.resolve("huge"), "x".repeat(5000));
    Path binary = Files.write(dir.resolve("bin"), new byte[] {(byte) 0xff, (byte) 0xfe});
    Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rw-------"));
    String[][] cases = {
      {missing.toString(), missing + ": no such password file"},
      {empty.toString(), empty + ": password file is empty"},
      {huge.toString(), huge + ": password file is larger than 4096 bytes"},
      {binary.toString(), binary + ": password file is not UTF-8 text"},
      {dir.toString(), dir + ": cannot read password file"},
    };
    for (String[] c : cases) {
      Run r = CliHarness.run(ENV, "keys", "new", "--out", out.toString(), "--password-file", c[0]);
      assertEquals(1, r.code(), c[0]);
      assertEquals(1, r.errLines().length, r.err());
      assertTrue(r.err().startsWith("error: " + c[1]), r.err());
      assertFalse(Files.exists(out));
    }
  }

  @Test
  void unwritableDestinationIsOneLine() throws IOException {
    Path notADir = Files.writeString(dir.resolve("file"), "x");
    Run r = CliHarness.run(ENV, "keys", "new", "--out", notADir.resolve("k.key").toString());
    assertEquals(1, r.code());
    assertEquals(1, r.errLines().length, r.err());
    assertTrue(r.err().startsWith("error: " + notADir.resolve("k.key") + ": "), r.err());
  }
}
