package org.learnchain.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.learnchain.crypto.Keystore;
import org.learnchain.node.cli.CliHarness.Run;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.node.support.VersionProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class LearnchainCommandTest {
  @Test
  void helpListsTheCommands() {
    Run r = CliHarness.run("--help");
    assertEquals(0, r.code());
    assertTrue(r.out().startsWith("Usage: learnchain"), r.out());
    assertTrue(r.out().contains("keys"), r.out());
    assertTrue(r.out().contains("config"), r.out());
    assertEquals("", r.err());
  }

  @Test
  void everyCommandHasHelp() {
    for (String[] args :
        new String[][] {
          {"keys", "--help"},
          {"keys", "new", "--help"},
          {"config", "--help"},
          {"config", "validate", "--help"},
          {"bench", "--help"},
          {"bench", "ledger", "--help"},
          {"simulate", "--help"},
          {"devnet", "--help"},
          {"testnet", "--help"},
          {"testnet", "init", "--help"},
          {"node", "--help"},
          {"admin", "--help"},
          {"admin", "status", "--help"},
          {"admin", "peers", "--help"},
          {"admin", "round", "--help"},
          {"admin", "blocks", "--help"},
          {"admin", "block", "--help"},
          {"admin", "account", "--help"},
          {"admin", "rewards", "--help"},
          {"admin", "verify-block", "--help"},
          {"problem", "--help"},
          {"problem", "submit", "--help"},
          {"problem", "status", "--help"},
          {"problem", "watch", "--help"},
          {"problem", "model", "--help"},
          {"tx", "--help"},
          {"tx", "transfer", "--help"},
          {"tx", "stake", "--help"},
          {"tx", "unstake", "--help"},
          {"tx", "delegate", "--help"},
          {"tx", "undelegate", "--help"}
        }) {
      Run r = CliHarness.run(args);
      assertEquals(0, r.code(), String.join(" ", args));
      assertTrue(
          r.out().startsWith("Usage: learnchain " + String.join(" ", args).replace(" --help", "")),
          r.out());
    }
  }

  @Test
  void versionComesFromTheBuild() {
    Run r = CliHarness.run("--version");
    assertEquals(0, r.code());
    // Tests run from classes: the filtered resource supplies the project version.
    assertTrue(r.out().matches("(?s)learnchain \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\nJava .*"), r.out());
    assertEquals(
        VersionProvider.version(), r.out().lines().findFirst().orElseThrow().substring(11));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "kyes",
        "--bogus",
        "keys",
        "keys frobnicate",
        "keys new",
        "keys new --out",
        "config validate",
        "config validate a b",
        "node",
        "testnet init --dir d",
        "admin status",
        "admin block --node 127.0.0.1:1",
        "problem submit --node 127.0.0.1:1",
        "problem model x --node 127.0.0.1:1",
        "tx transfer --node 127.0.0.1:1 --to x",
        "tx stake --node 127.0.0.1:1 --key k",
        "tx delegate --node 127.0.0.1:1 --amount 5 --key k",
        "admin rewards --node 127.0.0.1:1"
      })
  void usageErrorsAreOneLineWithExitCode2(String line) {
    String[] args = line.isEmpty() ? new String[0] : line.split(" ");
    Run r = CliHarness.run(args);
    assertEquals(2, r.code(), r.err());
    assertEquals("", r.out());
    assertEquals(1, r.errLines().length, r.err());
    assertTrue(r.err().startsWith("error: "), r.err());
    assertTrue(r.err().contains("--help'"), r.err());
  }

  @Test
  void unknownOptionGetsASuggestion() {
    Run r = CliHarness.run("keys", "new", "--out", "x", "--pasword-file", "p");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("did you mean --password-file?"), r.err());
  }

  @Test
  void thereIsNoPasswordFlag() {
    Run r = CliHarness.run(Map.of(), "keys", "new", "--out", "x", "--password", "hunter2");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("error: Unknown option"), r.err());
  }

  /** A command that fails the way a bug or an I/O error would. */
  @Command(name = "explode")
  static final class Exploding implements Callable<Integer> {
    private final String message;

    Exploding(String message) {
      this.message = message;
    }

    @Override
    public Integer call() {
      throw new IllegalStateException(message);
    }
  }

  @Test
  void exceptionsBecomeOneLineWithoutStackTrace() {
    for (String message : new String[] {"disk on fire\n\tat Foo.bar(Foo.java:1)", null}) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CliContext ctx =
          new CliContext(
              Map.of(),
              new PrintWriter(out),
              new PrintWriter(err),
              new Keystore(10, new SecureRandom()),
              new SecureRandom());
      CommandLine cl = LearnchainCommand.create(ctx);
      cl.addSubcommand(new Exploding(message));
      int code = cl.execute("explode");
      err.flush();
      assertEquals(1, code);
      String expected =
          message == null
              ? "error: internal error (IllegalStateException)\n"
              : "error: disk on fire\n";
      assertEquals(expected, err.toString());
      assertFalse(err.toString().contains("at "), err.toString());
    }
  }
}
