package org.learnchain.acceptance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Docker engine and compose as the container test drives them: each command runs with a
 * deadline, its output is kept for the caller and appended to one log file. Prefers Debian's {@code
 * /usr/bin/docker} (another CLI earlier on PATH may refuse the legacy builder) and builds with
 * {@code DOCKER_BUILDKIT=0}; compose is {@code docker-compose} (v1) or else {@code docker compose}
 * (v2), both of which run compose.yaml's 2.4 format.
 */
final class ContainerEngine {
  /** One finished command: exit status and its stdout and stderr, interleaved. */
  record Result(int exit, String output) {
    boolean ok() {
      return exit == 0;
    }
  }

  final String docker;
  private final List<String> compose;
  private final Path root;
  private final Path log;
  private final Map<String, String> env = new HashMap<>();

  private ContainerEngine(String docker, List<String> compose, Path root, Path log) {
    this.docker = docker;
    this.compose = compose;
    this.root = root;
    this.log = log;
    env.put("DOCKER_BUILDKIT", "0");
  }

  /** An engine to use ({@code null} if none) and what was found, or why none can be used. */
  record Probe(ContainerEngine engine, String description) {}

  /** Looks for a usable engine: a docker CLI whose daemon answers, and a compose. */
  static Probe probe(Path root, Path log) {
    String docker = Files.isExecutable(Path.of("/usr/bin/docker")) ? "/usr/bin/docker" : "docker";
    ContainerEngine e = new ContainerEngine(docker, List.of(), root, log);
    Result info =
        e.runQuietly(Duration.ofSeconds(30), docker, "version", "--format", "{{.Server.Version}}");
    if (!info.ok()) {
      return new Probe(
          null, "no container engine answers (`docker version`: " + oneLine(info) + ")");
    }
    List<String> compose = List.of("docker-compose");
    if (!e.runQuietly(Duration.ofSeconds(30), "docker-compose", "version").ok()) {
      compose = List.of(docker, "compose");
      if (!e.runQuietly(Duration.ofSeconds(30), docker, "compose", "version").ok()) {
        return new Probe(
            null,
            "Docker " + oneLine(info) + " runs, but neither docker-compose nor `docker compose`");
      }
    }
    return new Probe(
        new ContainerEngine(docker, compose, root, log),
        "Docker " + oneLine(info) + ", compose: " + String.join(" ", compose));
  }

  private static String oneLine(Result r) {
    String s = r.output().strip().replace('\n', ' ');
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  /** Environment for every later command (compose.yaml's variables). */
  void env(String key, String value) {
    env.put(key, value);
  }

  boolean imageExists(String tag) {
    return runQuietly(Duration.ofSeconds(30), docker, "image", "inspect", tag).ok();
  }

  /** Runs a docker command; fails the test when it exits non-zero. */
  String docker(Duration timeout, String... args) {
    return check(run(timeout, prepend(List.of(docker), args)));
  }

  /**
   * {@code docker build} of {@code dockerfile} in {@code context} on {@code base}, with the host's
   * network (apt inside the build needs DNS) and the legacy builder.
   */
  void build(String base, String dockerfile, String context, String tag) {
    docker(
        Duration.ofMinutes(10),
        "build",
        "--network",
        "host",
        "--build-arg",
        "BASE_IMAGE=" + base,
        "-f",
        dockerfile,
        "-t",
        tag,
        context);
  }

  /** Runs a compose command for {@code project} on the repository's compose.yaml. */
  Result compose(String project, Duration timeout, String... args) {
    List<String> cmd = new ArrayList<>(compose);
    cmd.addAll(List.of("-p", project, "-f", root.resolve("compose.yaml").toString()));
    cmd.addAll(List.of(args));
    return run(timeout, cmd);
  }

  /**
   * The host port published for {@code containerPort} of a running service's container, from one
   * {@code docker ps} (fast, unlike a compose call per lookup); fails if there is none.
   */
  int port(String project, String service, int containerPort) {
    String out =
        check(
            runQuietly(
                Duration.ofSeconds(30),
                docker,
                "ps",
                "--filter",
                "label=com.docker.compose.project=" + project,
                "--filter",
                "label=com.docker.compose.service=" + service,
                "--format",
                "{{.Ports}}"));
    Matcher m = Pattern.compile(":(\\d+)->" + containerPort + "/tcp").matcher(out);
    if (!m.find()) {
      throw new AssertionError(
          service + " publishes no port for " + containerPort + ": " + out.strip());
    }
    return Integer.parseInt(m.group(1));
  }

  /** Runs any command from the repository root with this engine's environment. */
  Result run(Duration timeout, List<String> command) {
    appendLog("$ " + String.join(" ", command));
    Result r = runQuietly(timeout, command.toArray(String[]::new));
    appendLog(r.output() + (r.output().endsWith("\n") ? "" : "\n") + "(exit " + r.exit() + ")");
    return r;
  }

  static String check(Result r) {
    if (!r.ok()) {
      throw new AssertionError("command failed (exit " + r.exit() + "):\n" + tail(r.output(), 60));
    }
    return r.output();
  }

  static String tail(String text, int lines) {
    String[] all = text.split("\n", -1);
    int from = Math.max(0, all.length - lines);
    return String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length));
  }

  private Result runQuietly(Duration timeout, String... command) {
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      return new Result(127, command[0] + ": " + e.getMessage());
    }
    CompletableFuture<String> output =
        CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
    try {
      if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        return new Result(
            124, output.getNow("") + "\n(timed out after " + timeout.toSeconds() + " s)");
      }
      return new Result(p.exitValue(), output.get(30, TimeUnit.SECONDS));
    } catch (Exception e) {
      p.destroyForcibly();
      return new Result(125, String.valueOf(e));
    }
  }

  private static String readAll(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static List<String> prepend(List<String> head, String... rest) {
    List<String> out = new ArrayList<>(head);
    out.addAll(List.of(rest));
    return out;
  }

  synchronized void appendLog(String text) {
    try {
      Files.writeString(
          log,
          text + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      // The log is for people reading a failure; the test goes on without it.
    }
  }
}
