package org.learnchain.bench.tx;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.learnchain.proto.api.NodeServiceGrpc;
import org.learnchain.proto.api.StatusReply;
import org.learnchain.proto.api.StatusRequest;

/**
 * A multi-process testnet on loopback for {@code bench tx --testnet}: {@code testnet init} into a
 * directory, then one {@code learnchain node} JVM per node, started from this process's own java
 * and class path (so the distribution's jar and its lib/ when run from it), each logging to {@code
 * DIR/node<i>/node.log}. {@link #close()} stops the nodes with SIGTERM (a clean stop) and kills any
 * that do not exit within 20 s.
 */
public final class LocalTestnet implements AutoCloseable {
  /** Each node's heap ceiling unless the spec's JVM options give one. */
  public static final String DEFAULT_HEAP = "-Xmx1g";

  private final Spec spec;
  private final Path dir;
  private final int nodes;
  private final int basePort;
  private final Process[] processes;
  private final Thread cleanup;
  private String initOutput = "";

  private LocalTestnet(Spec spec, int basePort) {
    this.spec = spec;
    this.dir = spec.dir();
    this.nodes = spec.nodes();
    this.basePort = basePort;
    this.processes = new Process[spec.nodes()];
    this.cleanup = new Thread(this::stopAll, "bench-testnet-cleanup");
  }

  /**
   * What a testnet is built from.
   *
   * @param basePort first port, or 0 for a free range
   * @param roundMs training, evaluation, award and idle-block durations written into genesis
   * @param javaOptions extra JVM options for every node (a flight recording; a heap ceiling, else
   *     {@link #DEFAULT_HEAP})
   * @param env the environment the nodes get (it holds LEARNCHAIN_PASSWORD)
   * @param program runs {@code testnet init} in-process and names the nodes' main class; the CLI
   *     passes itself in, so this module does not depend on the command tree
   */
  public record Spec(
      Path dir,
      int nodes,
      int basePort,
      String roundMs,
      List<String> javaOptions,
      Map<String, String> env,
      NodeProgram program) {}

  /**
   * Initialises the directory and starts every node; returns once each answers over gRPC and sees
   * all the others.
   */
  public static LocalTestnet start(Spec spec) throws BenchException {
    LocalTestnet net = init(spec, List.of());
    try {
      for (int i = 0; i < spec.nodes(); i++) {
        net.startNode(i, Map.of());
      }
      net.awaitMesh(spec.nodes(), 120_000);
      return net;
    } catch (BenchException | RuntimeException e) {
      net.close();
      throw e;
    }
  }

  /**
   * Initialises the directory ({@code testnet init}) and starts no node yet: {@link #startNode}
   * starts each one, {@link #awaitMesh} waits for the first ones to meet.
   *
   * @param initArgs more {@code testnet init} arguments ({@code --validators V})
   */
  public static LocalTestnet init(Spec spec, List<String> initArgs) throws BenchException {
    int base = spec.basePort() > 0 ? spec.basePort() : freeBase(spec.nodes());
    StringWriter initOut = new StringWriter();
    StringWriter initErr = new StringWriter();
    List<String> args =
        new ArrayList<>(
            List.of(
                "testnet",
                "init",
                "--nodes",
                Integer.toString(spec.nodes()),
                "--dir",
                spec.dir().toString(),
                "--base-port",
                Integer.toString(base),
                "--round-ms",
                spec.roundMs()));
    args.addAll(initArgs);
    int code =
        spec.program()
            .run(
                spec.env(),
                new PrintWriter(initOut),
                new PrintWriter(initErr),
                args.toArray(new String[0]));
    if (code != 0) {
      throw new BenchException("testnet init: " + initErr.toString().trim());
    }
    LocalTestnet net = new LocalTestnet(spec, base);
    net.initOutput = initOut.toString();
    Runtime.getRuntime().addShutdownHook(net.cleanup);
    return net;
  }

  /**
   * Starts node {@code i}'s process from this process's java and class path; returns without
   * waiting for it to listen.
   *
   * @param env environment on top of the spec's (a node's own {@code LEARNCHAIN_P2P_BOOTNODES})
   */
  public void startNode(int i, Map<String, String> env) throws BenchException {
    if (processes[i] != null) {
      throw new IllegalStateException("node " + i + " is already started");
    }
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Path nodeDir = dir.resolve("node" + i);
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    // A fixed heap ceiling keeps each node's resident size flat under load (docs/benchmarks.md).
    if (spec.javaOptions().stream().noneMatch(opt -> opt.startsWith("-Xmx"))) {
      cmd.add(DEFAULT_HEAP);
    }
    cmd.addAll(spec.javaOptions());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(spec.program().mainClass());
    cmd.add("node");
    cmd.add("--config");
    cmd.add(nodeDir.resolve("config.toml").toString());
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> all = new HashMap<>(spec.env());
    all.putIfAbsent("OMP_NUM_THREADS", "1");
    all.putAll(env);
    pb.environment().putAll(all);
    // Relative paths in the node's JVM options (a flight recording) land in its directory.
    pb.directory(nodeDir.toFile());
    pb.redirectErrorStream(true);
    pb.redirectOutput(nodeDir.resolve("node.log").toFile());
    try {
      processes[i] = pb.start();
    } catch (IOException e) {
      throw new BenchException("starting node " + i + ": " + e.getMessage());
    }
  }

  /** gRPC address of node {@code i}. */
  public String grpc(int i) {
    return "127.0.0.1:" + (basePort + 10 * i + 1);
  }

  public List<String> grpcAll() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      out.add(grpc(i));
    }
    return out;
  }

  /** Node {@code i}'s key file. */
  public Path keyFile(int i) {
    return dir.resolve("node" + i).resolve("node.key");
  }

  /**
   * Node {@code i}'s process, for its CPU time ({@link ProcessHandle.Info#totalCpuDuration}); the
   * bench runs on the same machine.
   */
  public ProcessHandle process(int i) {
    return processes[i].toHandle();
  }

  /** Whether node {@code i}'s process was started and has not exited. */
  public boolean alive(int i) {
    return processes[i] != null && processes[i].isAlive();
  }

  /** Node {@code i}'s p2p address, HOST:PORT. */
  public String p2p(int i) {
    return "127.0.0.1:" + (basePort + 10 * i);
  }

  /** Node {@code i}'s metrics address, HOST:PORT ({@code GET /metrics}). */
  public String metrics(int i) {
    return "127.0.0.1:" + (basePort + 10 * i + 2);
  }

  /** Node {@code i}'s API token file. */
  public Path tokenFile(int i) {
    return dir.resolve("node" + i).resolve("api.token");
  }

  public Path dir() {
    return dir;
  }

  /** What {@code testnet init} printed (one JSON object when given {@code --json}). */
  public String initOutput() {
    return initOutput;
  }

  /** Nodes written by {@code testnet init}, started or not. */
  public int nodes() {
    return nodes;
  }

  /**
   * Waits until nodes {@code 0..count-1} (started) each answer over gRPC and see at least {@code
   * count - 1} peers.
   */
  public void awaitMesh(int count, long timeoutMs) throws BenchException {
    long until = System.currentTimeMillis() + timeoutMs;
    for (int i = 0; i < count; i++) {
      ManagedChannel c = TxBench.channel(grpc(i));
      try {
        while (true) {
          Process p = processes[i];
          if (!p.isAlive()) {
            throw new BenchException(
                "node "
                    + i
                    + " exited with code "
                    + p.exitValue()
                    + "; see "
                    + dir.resolve("node" + i).resolve("node.log"));
          }
          try {
            StatusReply s =
                NodeServiceGrpc.newBlockingStub(c)
                    .withDeadlineAfter(2, TimeUnit.SECONDS)
                    .getStatus(StatusRequest.getDefaultInstance());
            if (s.getPeers() >= count - 1) {
              break;
            }
          } catch (StatusRuntimeException e) {
            // Not listening yet: the JVM is still starting.
          }
          if (System.currentTimeMillis() > until) {
            throw new BenchException(
                "node " + i + " did not join its peers within " + timeoutMs / 1000 + " s");
          }
          sleep(200);
        }
      } finally {
        c.shutdownNow();
      }
    }
  }

  private void stopAll() {
    for (Process p : processes) {
      if (p != null) {
        p.destroy();
      }
    }
    for (Process p : processes) {
      if (p == null) {
        continue;
      }
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook is running or ran, and found the nodes stopped.
    }
  }

  /** A base port P such that P+10i+k (i below nodes, k in 0..2) are free now. */
  static int freeBase(int nodes) throws BenchException {
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = 20_000 + 10 * ThreadLocalRandom.current().nextInt(3_000);
      if (allFree(base, nodes)) {
        return base;
      }
    }
    throw new BenchException("no free range of loopback ports found");
  }

  private static boolean allFree(int base, int nodes) {
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < nodes; i++) {
        for (int k = 0; k < 3; k++) {
          held.add(new ServerSocket(base + 10 * i + k, 1, InetAddress.getLoopbackAddress()));
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    } finally {
      for (ServerSocket s : held) {
        try {
          s.close();
        } catch (IOException e) {
          // Closing a listening socket that never accepted cannot leave anything behind.
        }
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
