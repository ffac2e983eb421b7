package org.learnchain.node.cli.keys;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.learnchain.crypto.KeystoreException;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.node.cli.common.CliResult;
import org.learnchain.node.cli.common.ExitCodes;
import org.learnchain.node.cli.common.Passwords;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code learnchain keys new}: generates an Ed25519 key into a new encrypted keystore file. */
@Command(
    name = "new",
    description = {
      "Generate an Ed25519 key and write it to a new encrypted keystore file (mode 600).",
      "The password comes from --password-file, else from the LEARNCHAIN_PASSWORD environment"
          + " variable. An existing file is never overwritten."
    })
public final class KeysNewCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "keystore file to create")
  private Path out;

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description = "file holding the password (one trailing line break is ignored)")
  private Path passwordFile;

  @Option(names = "--json", description = "print one JSON object")
  private boolean json;

  public KeysNewCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    CliResult<char[]> password = Passwords.resolve(passwordFile, ctx.env());
    if (!password.isOk()) {
      ctx.err().println("error: " + password.error());
      return ExitCodes.FAILURE;
    }
    char[] pw = password.value();
    PrivateKey key = PrivateKey.generate(ctx.random());
    PublicKey publicKey = key.publicKey();
    try {
      ctx.keystore().write(out, key, pw);
    } catch (KeystoreException e) {
      ctx.err().println("error: " + e.getMessage());
      return ExitCodes.FAILURE;
    } finally {
      Arrays.fill(pw, '\0');
      key.destroy();
    }
    String file = out.toAbsolutePath().normalize().toString();
    if (json) {
      JsonObject o = new JsonObject();
      o.addProperty("address", publicKey.address().toHex());
      o.addProperty("publicKey", publicKey.toHex());
      o.addProperty("keystore", file);
      ctx.out().println(o);
    } else {
      ctx.out().println("address    " + publicKey.address().toHex());
      ctx.out().println("publicKey  " + publicKey.toHex());
      ctx.out().println("keystore   " + file);
    }
    return 0;
  }
}
