package org.learnchain.p2p.core;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.p2p.BlockSource;
import org.learnchain.p2p.DisconnectReason;
import org.learnchain.p2p.Membership;
import org.learnchain.p2p.P2PConfig;
import org.learnchain.p2p.PeerAddress;
import org.learnchain.p2p.RateLimit;
import org.learnchain.p2p.TestSupport;
import org.learnchain.p2p.blob.BlobStore;
import org.learnchain.p2p.blob.InMemoryBlobStore;

/**
 * A started {@link P2PCore} with no sockets, for fuzz targets: its transport listens nowhere and
 * dials nothing, and a peer session is opened over a {@link Recording} connection that keeps what
 * the core sends and why it closed. One node serves a whole fuzzing run; each input gets a fresh
 * session of the same member key. Bans are out of reach (the threshold is below the lowest score)
 * and rate limits are generous, so that one input cannot change how the next one is treated.
 */
public final class FuzzNode implements AutoCloseable {
  public static final PrivateKey LOCAL = TestSupport.key("fuzz-local");
  public static final PrivateKey PEER = TestSupport.key("fuzz-peer");

  /** Small frames, so that multi-record frames and the frame limit are within a fuzzer's reach. */
  public static final int MAX_FRAME_BYTES = 64 * 1024;

  public static final byte[] BLOB = blob();
  public static final Hash BLOB_HASH = Hashing.sha256(BLOB);
  public static final int CHUNK_BYTES = 4 * 1024;

  static {
    // While fuzzing, every input opens and drops a session: millions of info and warn lines
    // that would slow the fuzzer down to the speed of the console. Replays keep the usual logs.
    if (System.getenv("JAZZER_FUZZ") != null) {
      System.setProperty("org.slf4j.simpleLogger.log.org.learnchain.p2p", "error");
    }
  }

  private final P2PCore core;

  public FuzzNode(BlockSource blocks) {
    P2PConfig config =
        P2PConfig.builder(TestSupport.CHAIN, TestSupport.GENESIS)
            .listen("127.0.0.1", 0)
            .maxFrameBytes(MAX_FRAME_BYTES)
            .maxQueuedBytesPerPeer(64L * MAX_FRAME_BYTES)
            .blobChunkBytes(CHUNK_BYTES)
            .blobWindow(4)
            .maxPeers(4)
            .targetPeers(0)
            .ban(Reputation.MIN_SCORE - 1, Duration.ofSeconds(1))
            .gossipRate(new RateLimit(1e9, 1e9))
            .gossipBytesRate(new RateLimit(1e12, 1e12))
            .requestRate(new RateLimit(1e9, 1e9))
            .maxInboundRequestsPerPeer(1 << 20)
            .maintenanceInterval(Duration.ofHours(1))
            .build();
    BlobStore store = new InMemoryBlobStore();
    try {
      store.put(BLOB);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    core =
        new P2PCore(
            config,
            LOCAL,
            Membership.of(List.of(LOCAL.publicKey(), PEER.publicKey())),
            blocks,
            store,
            new SimpleMeterRegistry(),
            TimeSource.system());
    core.start(new Idle());
  }

  private static byte[] blob() {
    byte[] b = new byte[3 * CHUNK_BYTES + 123];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (i * 31);
    }
    byte[] tag = "fuzz blob".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(tag, 0, b, 0, tag.length);
    return b;
  }

  public P2PCore core() {
    return core;
  }

  /** A new authenticated session of {@link #PEER} over a recording connection. */
  public Session open() {
    Recording c = new Recording(PEER.publicKey());
    PeerSession s =
        core.open(c, Optional.empty())
            .orElseThrow(() -> new IllegalStateException("session refused: " + c.closedWith));
    c.sent.clear(); // the greeting peer list
    return new Session(s, c);
  }

  /** An open session and its connection. */
  public record Session(PeerSession session, Recording connection) {
    /** Ends the session as the transport would once the connection has closed. */
    public void end(P2PCore core) {
      connection.close(DisconnectReason.SHUTDOWN);
      core.closed(
          session,
          connection.closedWith == null ? DisconnectReason.SHUTDOWN : connection.closedWith);
    }
  }

  @Override
  public void close() {
    core.stop();
  }

  /** A transport for a node that only receives through the fuzz target. */
  private static final class Idle implements Transport {
    @Override
    public PeerAddress start(P2PCore core) {
      return new PeerAddress("127.0.0.1", 1);
    }

    @Override
    public void dial(PeerAddress address, Optional<PublicKey> expectedKey) {}

    @Override
    public void stop() {}
  }

  /** A connection that keeps every envelope sent on it and the reason it was closed. */
  public static final class Recording implements Connection {
    private final PublicKey remote;
    public final LinkedBlockingQueue<byte[]> sent = new LinkedBlockingQueue<>();
    public volatile DisconnectReason closedWith;

    Recording(PublicKey remote) {
      this.remote = remote;
    }

    @Override
    public PublicKey remoteKey() {
      return remote;
    }

    @Override
    public boolean outbound() {
      return false;
    }

    @Override
    public PeerAddress remoteAddress() {
      return new PeerAddress("127.0.0.2", 2);
    }

    @Override
    public boolean send(byte[] envelope) {
      sent.add(envelope.clone());
      return true;
    }

    @Override
    public boolean send(byte[] buf, int length, Consumer<byte[]> recycle) {
      sent.add(java.util.Arrays.copyOf(buf, length));
      recycle.accept(buf);
      return true;
    }

    @Override
    public boolean writable() {
      return true;
    }

    @Override
    public synchronized void close(DisconnectReason reason) {
      if (closedWith == null) {
        closedWith = reason;
      }
    }

    /** The next envelope sent within {@code ms}, or null. */
    public byte[] next(long ms) {
      try {
        return sent.poll(ms, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }

    public List<byte[]> drain() {
      List<byte[]> out = new ArrayList<>();
      sent.drainTo(out);
      return out;
    }
  }
}
