package org.learnchain.acceptance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs the Python client's pytest suite (clients/python/tests) as part of {@code ./mvnw verify}:
 * after the distribution is packaged, it makes a virtual environment under target/, installs the
 * client from the repository with pip (the machine's configured index, e.g. its local wheel
 * mirror), and runs pytest, whose fixtures start real node processes. A machine without python3
 * fails here with a message saying so; a skipped Python test fails the build too, so nothing is
 * left out silently.
 */
class PythonClientAcceptanceTest {
  private static final Pattern SUMMARY = Pattern.compile("=+ (.*) in [0-9.]+s.* =+");

  @Test
  void thePythonClientSuitePassesAgainstRealNodes() throws Exception {
    Path root = Cluster.root();
    Path target = Path.of(System.getProperty("learnchain.acceptance.logs", "target/logs"));
    Path logs = target.resolve("PythonClientAcceptanceTest");
    Files.createDirectories(logs);
    Path venv = target.getParent().resolve("python-venv");
    String python3 = onPath("python3");

    Path py = venv.resolve("bin/python");
    if (!Files.isExecutable(py)) {
      run(logs.resolve("venv.log"), root, Map.of(), 300, python3, "-m", "venv", venv.toString());
    }
    // No retries against an index that cannot be reached (a mirror-only machine answers
    // from its mirror at once); a configured PIP_RETRIES wins.
    Map<String, String> pipEnv =
        System.getenv("PIP_RETRIES") == null ? Map.of("PIP_RETRIES", "0") : Map.of();
    run(
        logs.resolve("pip.log"),
        root,
        pipEnv,
        900,
        py.toString(),
        "-m",
        "pip",
        "install",
        "--quiet",
        root.resolve("clients/python").toString() + "[test]");

    Path report = logs.resolve("pytest.log");
    Map<String, String> env =
        Map.of(
            "LEARNCHAIN_ROOT", root.toString(),
            "LEARNCHAIN_PYTEST_LOGS", logs.toString(),
            "PYTHONDONTWRITEBYTECODE", "1");
    int code =
        exec(
            report,
            root.resolve("clients/python"),
            env,
            900,
            py.toString(),
            "-m",
            "pytest",
            "-rA",
            "-p",
            "no:cacheprovider",
            "tests");
    String out = Files.readString(report, StandardCharsets.UTF_8);
    System.out.println(out);
    assertEquals(0, code, "pytest failed (log: " + report + ")");
    Matcher m = SUMMARY.matcher(out);
    String summary = "";
    while (m.find()) {
      summary = m.group(1);
    }
    assertTrue(summary.contains("passed"), "no pytest summary in " + report);
    assertFalse(summary.contains("skipped"), "a Python test was skipped: " + summary);
  }

  private static String onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path p = Path.of(dir, program);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    fail(
        program
            + " is not on PATH: the Python client tests need Python 3 with pip and venv"
            + " (Debian: apt-get install python3 python3-pip python3-venv)");
    return program;
  }

  private static void run(
      Path log, Path dir, Map<String, String> env, long timeoutS, String... command)
      throws IOException, InterruptedException {
    int code = exec(log, dir, env, timeoutS, command);
    if (code != 0) {
      fail(
          String.join(" ", command)
              + " exited with "
              + code
              + ":\n"
              + Files.readString(log, StandardCharsets.UTF_8));
    }
  }

  private static int exec(
      Path log, Path dir, Map<String, String> env, long timeoutS, String... command)
      throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(List.of(command))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
      p.destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      fail(String.join(" ", command) + " ran past " + timeoutS + " s (log: " + log + ")");
    }
    return p.exitValue();
  }
}
