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
  private final Path dir;
  private final int nodes;
  private final int basePort;
  private final List<Process> processes = new ArrayList<>();
  private final Thread cleanup;

  private LocalTestnet(Path dir, int nodes, int basePort) {
    this.dir = dir;
    this.nodes = nodes;
    this.basePort = basePort;
    this.cleanup = new Thread(this::stopAll, "bench-testnet-cleanup");
  }

  /**
   * What a testnet is built from.
   *
   * @param basePort first port, or 0 for a free range
   * @param roundMs training, evaluation, award and idle-block durations written into genesis
   * @param javaOptions extra JVM options for every node (heap size, a flight recording)
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
    int base = spec.basePort() > 0 ? spec.basePort() : freeBase(spec.nodes());
    StringWriter initOut = new StringWriter();
    StringWriter initErr = new StringWriter();
    int code =
        spec.program()
            .run(
                spec.env(),
                new PrintWriter(initOut),
                new PrintWriter(initErr),
                "testnet",
                "init",
                "--nodes",
                Integer.toString(spec.nodes()),
                "--dir",
                spec.dir().toString(),
                "--base-port",
                Integer.toString(base),
                "--round-ms",
                spec.roundMs());
    if (code != 0) {
      throw new BenchException("testnet init: " + initErr.toString().trim());
    }
    LocalTestnet net = new LocalTestnet(spec.dir(), spec.nodes(), base);
    Runtime.getRuntime().addShutdownHook(net.cleanup);
    try {
      String java =
          ProcessHandle.current()
              .info()
              .command()
              .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      for (int i = 0; i < spec.nodes(); i++) {
        Path nodeDir = spec.dir().resolve("node" + i);
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(spec.javaOptions());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(spec.program().mainClass());
        cmd.add("node");
        cmd.add("--config");
        cmd.add(nodeDir.resolve("config.toml").toString());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = new HashMap<>(spec.env());
        env.putIfAbsent("OMP_NUM_THREADS", "1");
        pb.environment().putAll(env);
        // Relative paths in the node's JVM options (a flight recording) land in its directory.
        pb.directory(nodeDir.toFile());
        pb.redirectErrorStream(true);
        pb.redirectOutput(nodeDir.resolve("node.log").toFile());
        net.processes.add(pb.start());
      }
      net.awaitMesh(120_000);
      return net;
    } catch (IOException e) {
      net.close();
      throw new BenchException("starting a node: " + e.getMessage());
    } catch (BenchException | RuntimeException e) {
      net.close();
      throw e;
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
    return processes.get(i).toHandle();
  }

  public Path dir() {
    return dir;
  }

  private void awaitMesh(long timeoutMs) throws BenchException {
    long until = System.currentTimeMillis() + timeoutMs;
    for (int i = 0; i < nodes; i++) {
      ManagedChannel c = TxBench.channel(grpc(i));
      try {
        while (true) {
          Process p = processes.get(i);
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
            if (s.getPeers() >= nodes - 1) {
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
      p.destroy();
    }
    for (Process p : processes) {
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
