package org.learnchain.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class P2PConfigTest {
  private P2PConfig.Builder base() {
    return P2PConfig.builder(TestSupport.CHAIN, TestSupport.GENESIS);
  }

  @Test
  void defaultsFollowTheIssue() {
    P2PConfig c = base().build();
    assertEquals(4 * 1024 * 1024, c.maxFrameBytes());
    assertEquals(Duration.ofSeconds(5), c.handshakeTimeout());
    assertEquals(100_000, c.seenCacheSize());
    assertEquals(256L * 1024 * 1024, c.maxBlobBytes());
    assertEquals("127.0.0.1", c.advertisedHost());
    assertEquals(c, c.toBuilder().build());
  }

  @Test
  void inconsistentSettingsAreRefusedWithTheirName() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> base().blobChunkBytes(4 * 1024 * 1024).build());
    assertTrue(e.getMessage().contains("blobChunkBytes"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> base().maxFrameBytes(1024).build());
    assertThrows(IllegalArgumentException.class, () -> base().targetPeers(30).maxPeers(10).build());
    assertThrows(
        IllegalArgumentException.class, () -> base().pingInterval(Duration.ofMinutes(5)).build());
    assertThrows(
        IllegalArgumentException.class, () -> base().ban(5, Duration.ofMinutes(1)).build());
    assertThrows(IllegalArgumentException.class, () -> base().maxQueuedBytesPerPeer(1024).build());
    assertThrows(IllegalArgumentException.class, () -> new RateLimit(0, 1));
  }

  @Test
  void addressesAndTopicsParseStrictly() {
    assertEquals(new PeerAddress("10.0.0.1", 30303), PeerAddress.parse("10.0.0.1:30303"));
    assertEquals(new PeerAddress("::1", 9), PeerAddress.parse("[::1]:9"));
    assertEquals("[::1]:9", new PeerAddress("::1", 9).toString());
    for (String bad : List.of("nohost", ":1", "h:", "h:x", "h:70000")) {
      assertThrows(IllegalArgumentException.class, () -> PeerAddress.parse(bad), bad);
    }
    assertTrue(Topic.valid("consensus/model-commit"));
    for (String bad : List.of("", "UPPER", "sp ace", "x".repeat(65), "new\nline")) {
      assertThrows(IllegalArgumentException.class, () -> Topic.of(bad), bad);
    }
  }
}
