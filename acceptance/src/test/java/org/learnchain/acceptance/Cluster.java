package org.learnchain.acceptance;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Keystore;
import org.learnchain.crypto.KeystoreException;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.Transfer;
import org.learnchain.proto.admin.PeerKeyRequest;
import org.learnchain.proto.api.AccountRequest;
import org.learnchain.proto.api.BlockView;
import org.learnchain.proto.api.ListBlocksRequest;
import org.learnchain.proto.api.PeersRequest;
import org.learnchain.proto.api.ProblemHeader;
import org.learnchain.proto.api.ProblemReply;
import org.learnchain.proto.api.ProblemRequest;
import org.learnchain.proto.api.RoundReply;
import org.learnchain.proto.api.RoundRequest;
import org.learnchain.proto.api.StatusReply;
import org.learnchain.proto.api.SubmitProblemReply;
import org.learnchain.proto.api.SubmitProblemRequest;
import org.learnchain.proto.api.SubmitTransactionRequest;

/**
 * A testnet of separate node processes made by {@code bin/learnchain testnet init} (Besu-style
 * acceptance harness): starts and faults nodes, drives them over gRPC, and waits on conditions
 * (reachesHeight, allAtSameHead, roundPhase, ...) with deadlines. It remembers every transaction
 * and problem a node acknowledged, for {@link Invariants}.
 */
final class Cluster implements AutoCloseable {
  static final String PASSWORD = "acceptance-password";
  static final HexFormat HEX = HexFormat.of();

  final String chainId;
  final List<NodeProcess> nodes;
  final Path dir;
  private final Set<String> acknowledged = new LinkedHashSet<>();
  private final Random random = new Random(8);

  /** Kills the node processes if the test JVM exits without {@link #close} (Ctrl-C, a crash). */
  private final Thread reaper;

  private Cluster(String chainId, List<NodeProcess> nodes, Path dir) {
    this.chainId = chainId;
    this.nodes = List.copyOf(nodes);
    this.dir = dir;
    this.reaper = new Thread(this::killAll, "acceptance-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  private void killAll() {
    for (NodeProcess n : nodes) {
      n.destroyNow();
    }
  }

  /** The repository root (where bin/learnchain is), from the build or the working directory. */
  static Path root() {
    String p = System.getProperty("learnchain.root");
    Path root = p != null ? Path.of(p) : Path.of("").toAbsolutePath().getParent();
    if (!Files.isExecutable(root.resolve("bin/learnchain"))) {
      throw new IllegalStateException("no bin/learnchain under " + root);
    }
    if (!Files.isRegularFile(root.resolve("node-app/target/learnchain.jar"))) {
      throw new IllegalStateException(
          "node-app/target/learnchain.jar is missing: run ./mvnw verify (or package) first");
    }
    return root;
  }

  /**
   * Runs {@code testnet init} for {@code members} nodes in {@code dir} with round durations {@code
   * roundMs} (training, evaluation, award, idle), on a free port range. Starts nothing.
   */
  static Cluster init(Path dir, int members, int validators, String roundMs, NodeLogs logs)
      throws IOException, InterruptedException {
    Path launcher = root().resolve("bin/learnchain");
    int basePort = freeBase(members);
    Files.createDirectories(dir.getParent());
    Map<String, String> env =
        Map.of(
            "LEARNCHAIN_PASSWORD", PASSWORD,
            "OMP_NUM_THREADS", "1",
            // Small heaps and the C1 compiler only: five JVMs share two cores with the build.
            "JAVA_OPTS", "-Xmx384m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
    ProcessBuilder pb =
        new ProcessBuilder(
                launcher.toString(),
                "testnet",
                "init",
                "--nodes",
                Integer.toString(members),
                "--dir",
                dir.toString(),
                "--base-port",
                Integer.toString(basePort),
                "--round-ms",
                roundMs,
                "--chain-id",
                "acceptance",
                "--validators",
                Integer.toString(validators),
                "--json")
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("testnet init failed: " + out);
    }
    JsonObject o = JsonParser.parseString(out).getAsJsonObject();
    JsonArray arr = o.getAsJsonArray("nodes");
    List<NodeProcess> nodes = new ArrayList<>();
    for (int i = 0; i < arr.size(); i++) {
      JsonObject n = arr.get(i).getAsJsonObject();
      nodes.add(
          new NodeProcess(
              i,
              Path.of(n.get("config").getAsString()),
              n.get("address").getAsString(),
              n.get("publicKey").getAsString(),
              port(n.get("grpc").getAsString()),
              port(n.get("metrics").getAsString()),
              launcher,
              logs.fileOf(i),
              env));
    }
    return new Cluster(o.get("chainId").getAsString(), nodes, dir);
  }

  private static int port(String hostPort) {
    return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
  }

  /** A base port P whose P+10i+{0,1,2} are all free now (testnet init's layout). */
  private static int freeBase(int members) {
    Random r = new Random();
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = 20_000 + 10 * r.nextInt(3_000);
      boolean free = true;
      for (int i = 0; i < members && free; i++) {
        for (int k = 0; k < 3 && free; k++) {
          try (ServerSocket s = new ServerSocket(base + 10 * i + k)) {
            s.setReuseAddress(true);
          } catch (IOException e) {
            free = false;
          }
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IllegalStateException("no free port range found");
  }

  NodeProcess node(int i) {
    return nodes.get(i);
  }

  /** The nodes whose process runs and is not paused. */
  List<NodeProcess> live() {
    return nodes.stream().filter(n -> n.isRunning() && !n.isPaused()).toList();
  }

  List<NodeProcess> liveExcept(NodeProcess x) {
    return live().stream().filter(n -> n != x).toList();
  }

  Optional<NodeProcess> byAddress(ByteString address) {
    String hex = HEX.formatHex(address.toByteArray());
    return nodes.stream().filter(n -> n.address.equals(hex)).findFirst();
  }

  /** Starts the nodes and waits until each one's API answers; returns how long that took. */
  Duration start(Duration timeout, NodeProcess... which) throws IOException {
    for (NodeProcess n : which) {
      n.start();
    }
    return Await.until(
        "the API of " + List.of(which) + " to answer",
        timeout,
        () -> List.of(which).stream().allMatch(NodeProcess::apiAnswers));
  }

  // ------------------------------------------------------------------ conditions

  static Duration reachesHeight(NodeProcess n, long h, Duration timeout) {
    return Await.until(
        n + " reaches height " + h, timeout, () -> n.height() >= h, () -> "height " + n.height());
  }

  /** Every live node reports the same head hash. */
  Duration allAtSameHead(Duration timeout) {
    return Await.until(
        "every live node at the same head",
        timeout,
        () -> {
          Set<String> heads = new LinkedHashSet<>();
          for (NodeProcess n : live()) {
            Optional<StatusReply> s = n.status();
            if (s.isEmpty()) {
              return false;
            }
            heads.add(HEX.formatHex(s.get().getHeadHash().toByteArray()));
          }
          return heads.size() == 1;
        },
        this::heads);
  }

  /** Every live node other than {@code except} gets {@code blocks} blocks past where it is now. */
  Duration othersMakeBlocks(NodeProcess except, int blocks, Duration timeout) {
    long target = maxHeight(liveExcept(except)) + blocks;
    return Await.until(
        "the others (" + liveExcept(except) + ") make " + blocks + " blocks, to " + target,
        timeout,
        () -> liveExcept(except).stream().allMatch(n -> n.height() >= target),
        this::heads);
  }

  /**
   * Waits, from the moment {@code n}'s API answers, until {@code n} has the block the others had at
   * their head at that moment; returns that catch-up time (the bound is 20 s).
   */
  Duration backAtHead(NodeProcess n, Duration catchUp) {
    Await.until(n + "'s API to answer", Duration.ofSeconds(120), n::apiAnswers);
    List<NodeProcess> others = liveExcept(n);
    NodeProcess ref =
        others.stream()
            .max((a, b) -> Long.compare(a.height(), b.height()))
            .orElseThrow(() -> new AssertionError("no other live node"));
    long target = ref.height();
    // The block at the target height is re-read at every poll: above the final height the fork
    // choice may still replace it, and the node must hold whatever the others hold now.
    return Await.until(
        n + " back at the head (height " + target + ") of " + ref,
        catchUp,
        () -> {
          if (n.height() < target) {
            return false;
          }
          BlockView mine = blockOrNull(n, target);
          BlockView theirs = blockOrNull(ref, target);
          return mine != null && theirs != null && mine.getHash().equals(theirs.getHash());
        },
        () -> n + " at " + n.height() + "; " + heads());
  }

  static BlockView block(NodeProcess n, long height) {
    return n.api()
        .getBlock(org.learnchain.proto.api.GetBlockRequest.newBuilder().setHeight(height).build());
  }

  static BlockView blockOrNull(NodeProcess n, long height) {
    try {
      return block(n, height);
    } catch (StatusRuntimeException e) {
      return null;
    }
  }

  static RoundReply round(NodeProcess n) {
    return n.api().getRound(RoundRequest.getDefaultInstance());
  }

  /** Waits until {@code n} works on {@code problem} in {@code phase} and {@code extra} holds. */
  static RoundReply roundPhase(
      NodeProcess n,
      String problem,
      String phase,
      java.util.function.Predicate<RoundReply> extra,
      Duration timeout) {
    AtomicReference<RoundReply> seen = new AtomicReference<>();
    Await.until(
        n + " in phase " + phase + " of problem " + problem.substring(0, 8),
        timeout,
        () -> {
          try {
            RoundReply r = round(n);
            seen.set(r);
            return HEX.formatHex(r.getProblemId().toByteArray()).equals(problem)
                && r.getPhase().equals(phase)
                && extra.test(r);
          } catch (StatusRuntimeException e) {
            return false;
          }
        },
        () -> String.valueOf(seen.get()).replace('\n', ' '));
    return seen.get();
  }

  static ProblemReply problem(NodeProcess n, String id) {
    return n.problems()
        .getProblem(
            ProblemRequest.newBuilder()
                .setProblemId(ByteString.copyFrom(HEX.parseHex(id)))
                .build());
  }

  static ProblemReply problemState(NodeProcess n, String id, String state, Duration timeout) {
    AtomicReference<ProblemReply> seen = new AtomicReference<>();
    Await.until(
        "problem " + id.substring(0, 8) + " " + state + " on " + n,
        timeout,
        () -> {
          try {
            seen.set(problem(n, id));
            return seen.get().getState().equals(state);
          } catch (StatusRuntimeException e) {
            return false;
          }
        },
        () -> seen.get() == null ? "no answer" : seen.get().getState());
    return seen.get();
  }

  long maxHeight(List<NodeProcess> of) {
    return of.stream().mapToLong(NodeProcess::height).max().orElse(-1);
  }

  String heads() {
    return nodes.stream()
        .map(
            n ->
                n.name()
                    + (n.isRunning() ? (n.isPaused() ? " paused" : "") : " down")
                    + "="
                    + n.status()
                        .map(
                            s ->
                                s.getHeight()
                                    + "/"
                                    + HEX.formatHex(s.getHeadHash().toByteArray()).substring(0, 8)
                                    + " fin "
                                    + s.getFinalizedHeight()
                                    + " peers "
                                    + s.getPeers())
                        .orElse("-"))
        .collect(Collectors.joining(", "));
  }

  // ------------------------------------------------------------------ actions

  /**
   * Uploads a problem to {@code submitter} (which pays its bounty and becomes the round's
   * submitter); remembers its id as an acknowledged transaction.
   */
  String submitProblem(NodeProcess submitter, byte[] train, byte[] test, long reward)
      throws InterruptedException {
    AtomicReference<SubmitProblemReply> reply = new AtomicReference<>();
    AtomicReference<Throwable> error = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    StreamObserver<SubmitProblemRequest> call =
        submitter
            .problemsAsync()
            .submitProblem(
                new StreamObserver<>() {
                  @Override
                  public void onNext(SubmitProblemReply r) {
                    reply.set(r);
                  }

                  @Override
                  public void onError(Throwable t) {
                    error.set(t);
                    done.countDown();
                  }

                  @Override
                  public void onCompleted() {
                    done.countDown();
                  }
                });
    call.onNext(
        SubmitProblemRequest.newBuilder()
            .setHeader(
                ProblemHeader.newBuilder()
                    .setReward(reward)
                    .setTrainBytes(train.length)
                    .setTestBytes(test.length))
            .build());
    call.onNext(SubmitProblemRequest.newBuilder().setTrain(ByteString.copyFrom(train)).build());
    call.onNext(SubmitProblemRequest.newBuilder().setTest(ByteString.copyFrom(test)).build());
    call.onCompleted();
    if (!done.await(90, TimeUnit.SECONDS)) {
      throw new AssertionError("problem upload to " + submitter + " got no answer in 90 s");
    }
    if (error.get() != null) {
      throw new AssertionError("problem upload to " + submitter + " failed", error.get());
    }
    String id = HEX.formatHex(reply.get().getProblemId().toByteArray());
    synchronized (acknowledged) {
      acknowledged.add(id);
    }
    return id;
  }

  /**
   * Signs a transfer with {@code from}'s key (decrypted from its keystore, as a wallet would) and
   * sends it through {@code via}'s API; remembers the acknowledged hash.
   */
  String transfer(NodeProcess from, NodeProcess via, NodeProcess to, long amount)
      throws IOException, KeystoreException {
    PrivateKey key =
        Keystore.decrypt(
            Files.readAllBytes(from.config.getParent().resolve("node.key")),
            PASSWORD.toCharArray(),
            from.name());
    try {
      StatusReply status =
          via.api().getStatus(org.learnchain.proto.api.StatusRequest.getDefaultInstance());
      long nonce =
          via.api()
              .getAccount(
                  AccountRequest.newBuilder()
                      .setAddress(ByteString.copyFrom(HEX.parseHex(from.address)))
                      .build())
              .getNextNonce();
      SignedTransaction tx =
          SignedTransaction.sign(
              key,
              chainId,
              nonce,
              status.getMinTxFee(),
              new Transfer(Address.fromHex(to.address), amount));
      ByteString hash =
          via.api()
              .submitTransaction(
                  SubmitTransactionRequest.newBuilder()
                      .setTransaction(ByteString.copyFrom(tx.encode()))
                      .build())
              .getTxHash();
      String id = HEX.formatHex(hash.toByteArray());
      synchronized (acknowledged) {
        acknowledged.add(id);
      }
      return id;
    } finally {
      key.destroy();
    }
  }

  /** A few transfers between random live nodes, each sent through a random live node. */
  void someTransfers(int count) throws IOException, KeystoreException {
    List<NodeProcess> live = live();
    for (int i = 0; i < count; i++) {
      NodeProcess from = live.get(random.nextInt(live.size()));
      NodeProcess to = live.get(random.nextInt(live.size()));
      // Through the sender's own node: its pool knows the sender's pending nonces.
      transfer(from, from, to, 1 + random.nextInt(1000));
    }
  }

  Set<String> acknowledged() {
    synchronized (acknowledged) {
      return new LinkedHashSet<>(acknowledged);
    }
  }

  /** Makes {@code x} deny every other member and every other live node deny {@code x}. */
  void isolate(NodeProcess x) {
    for (NodeProcess other : nodes) {
      if (other == x) {
        continue;
      }
      x.admin().denyPeer(key(other));
      if (other.isRunning()) {
        other.admin().denyPeer(key(x));
      }
    }
  }

  /**
   * Splits the network in two: every node of {@code a} denies every node of {@code b}, both ways.
   */
  void partition(List<NodeProcess> a, List<NodeProcess> b) {
    for (NodeProcess x : a) {
      for (NodeProcess y : b) {
        x.admin().denyPeer(key(y));
        y.admin().denyPeer(key(x));
      }
    }
  }

  /** Undoes {@link #partition}. */
  void heal(List<NodeProcess> a, List<NodeProcess> b) {
    for (NodeProcess x : a) {
      for (NodeProcess y : b) {
        x.admin().allowPeer(key(y));
        y.admin().allowPeer(key(x));
      }
    }
  }

  /** Undoes {@link #isolate}. */
  void heal(NodeProcess x) {
    for (NodeProcess other : nodes) {
      if (other == x) {
        continue;
      }
      x.admin().allowPeer(key(other));
      if (other.isRunning()) {
        other.admin().allowPeer(key(x));
      }
    }
  }

  private static PeerKeyRequest key(NodeProcess n) {
    return PeerKeyRequest.newBuilder()
        .setPublicKey(ByteString.copyFrom(HEX.parseHex(n.publicKey)))
        .build();
  }

  static Set<String> peerKeys(NodeProcess n) {
    return n.api().getPeers(PeersRequest.getDefaultInstance()).getPeersList().stream()
        .map(p -> HEX.formatHex(p.getPublicKey().toByteArray()))
        .collect(Collectors.toSet());
  }

  /** The canonical chain of {@code n} from genesis to {@code toHeight}, in pages of 100. */
  static List<BlockView> chain(NodeProcess n, long toHeight) {
    List<BlockView> out = new ArrayList<>();
    for (long from = 0; from <= toHeight; from += 100) {
      int count = (int) Math.min(100, toHeight - from + 1);
      List<BlockView> page =
          n.api()
              .listBlocks(
                  ListBlocksRequest.newBuilder().setFromHeight(from).setCount(count).build())
              .getBlocksList();
      out.addAll(page);
      if (page.size() < count) {
        break;
      }
    }
    return out;
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException e) {
      // The JVM is already exiting: the hook runs anyway.
    }
    for (NodeProcess n : nodes) {
      try {
        n.stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
