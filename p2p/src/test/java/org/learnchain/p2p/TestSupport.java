package org.learnchain.p2p;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.PrivateKey;

/** Keys, configs and meter readings shared by the p2p tests. */
public final class TestSupport {
  public static final String CHAIN = "learnchain-test";
  public static final Hash GENESIS =
      Hashing.sha256("test genesis".getBytes(StandardCharsets.UTF_8));

  private TestSupport() {}

  /** A deterministic member key. */
  public static PrivateKey key(String name) {
    return PrivateKey.fromSeed(Hashing.sha256(name.getBytes(StandardCharsets.UTF_8)).toArray());
  }

  /** Config with timers shortened for tests. */
  public static P2PConfig.Builder fastConfig(int port, List<PeerAddress> bootnodes) {
    return P2PConfig.builder(CHAIN, GENESIS)
        .listen("127.0.0.1", port)
        .bootnodes(bootnodes)
        .handshakeTimeout(Duration.ofSeconds(2))
        .requestTimeout(Duration.ofSeconds(3))
        .pingInterval(Duration.ofSeconds(1))
        .idleTimeout(Duration.ofSeconds(10))
        .maintenanceInterval(Duration.ofMillis(50))
        .peerListInterval(Duration.ofMillis(200))
        .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(800))
        .blobChunkBytes(64 * 1024)
        .blobWindow(4);
  }

  /** Sum of the counters named {@code name} with these tags (0 when none exist yet). */
  public static double count(MeterRegistry registry, String name, String... tags) {
    return registry.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
  }

  public static byte[] randomBytes(long seed, int n) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }
}
