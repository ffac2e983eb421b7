package org.learnchain.acceptance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Where every node's stdout and stderr go ({@code target/acceptance-logs/<test class>/node<i>.log},
 * appended across restarts), and the JUnit extension that prints the last {@value #TAIL_LINES}
 * lines of each when a test fails. The files are always kept.
 */
final class NodeLogs implements TestWatcher {
  static final int TAIL_LINES = 80;

  private final Map<Integer, Path> files = new TreeMap<>();
  private Path dir;

  /** The log directory of one test class, created empty. */
  synchronized Path open(String testName) throws IOException {
    String base = System.getProperty("learnchain.acceptance.logs", "target/acceptance-logs");
    dir = Path.of(base).resolve(testName).toAbsolutePath();
    Files.createDirectories(dir);
    try (var old = Files.list(dir)) {
      for (Path p : old.filter(p -> p.getFileName().toString().endsWith(".log")).toList()) {
        Files.delete(p);
      }
    }
    files.clear();
    return dir;
  }

  synchronized Path fileOf(int node) {
    return files.computeIfAbsent(node, i -> dir.resolve("node" + i + ".log"));
  }

  /** A line in every node's log marking where a scenario starts, to find it among the output. */
  synchronized void mark(String text) {
    String line = "=== acceptance " + Instant.now() + " " + text + " ===\n";
    for (Path p : files.values()) {
      try {
        Files.writeString(
            p, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } catch (IOException e) {
        System.err.println("acceptance: cannot mark " + p + ": " + e.getMessage());
      }
    }
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    printTails(context.getDisplayName());
  }

  /** Prints the tail of every node's log (also for failures outside a test, e.g. start-up). */
  void printTails(String what) {
    StringBuilder out = new StringBuilder();
    out.append("\n##### ")
        .append(what)
        .append(" failed: the last ")
        .append(TAIL_LINES)
        .append(" lines of each node's log (full logs in ")
        .append(dir)
        .append(")\n");
    synchronized (this) {
      for (Map.Entry<Integer, Path> e : files.entrySet()) {
        out.append("----- node").append(e.getKey()).append(" (").append(e.getValue()).append(")\n");
        tail(e.getValue()).forEach(l -> out.append(l).append('\n'));
      }
    }
    System.out.println(out);
  }

  static List<String> tail(Path file) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return new ArrayList<>(all.subList(Math.max(0, all.size() - TAIL_LINES), all.size()));
    } catch (IOException e) {
      return List.of("(cannot read " + file + ": " + e.getMessage() + ")");
    }
  }

  Optional<Path> dir() {
    return Optional.ofNullable(dir);
  }
}
