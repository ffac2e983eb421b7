package org.learnchain.p2p.core;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;
import org.learnchain.p2p.DisconnectReason;

/**
 * The network's meters, all under {@code p2p.} (Prometheus: {@code p2p_...}). Tag values come from
 * fixed sets (reason codes, result names), never from peer input, so cardinality stays bounded.
 */
public final class P2PMetrics {
  private final MeterRegistry registry;
  private final Counter bytesIn;
  private final Counter bytesOut;
  private final Counter handshakesOk;

  public P2PMetrics(MeterRegistry registry, Supplier<Number> peerCount) {
    this.registry = registry;
    Gauge.builder("p2p.peers", peerCount).description("Connected peers").register(registry);
    this.bytesIn =
        Counter.builder("p2p.bytes.in")
            .description("Bytes received")
            .baseUnit("bytes")
            .register(registry);
    this.bytesOut =
        Counter.builder("p2p.bytes.out")
            .description("Bytes sent")
            .baseUnit("bytes")
            .register(registry);
    this.handshakesOk = registry.counter("p2p.handshakes", "result", "ok");
  }

  public void bytesIn(long n) {
    bytesIn.increment(n);
  }

  public void bytesOut(long n) {
    bytesOut.increment(n);
  }

  public void handshakeSucceeded() {
    handshakesOk.increment();
  }

  public void handshakeFailed(DisconnectReason reason) {
    registry.counter("p2p.handshakes", "result", "failed", "reason", reason.code()).increment();
  }

  public void peerDropped(DisconnectReason reason) {
    registry.counter("p2p.peers.dropped", "reason", reason.code()).increment();
  }

  /** Gossip messages received, by outcome (accepted, ignored, rejected, duplicate, ...). */
  public void gossip(String result) {
    registry.counter("p2p.gossip.messages", "result", result).increment();
  }

  public void gossipPublished() {
    registry.counter("p2p.gossip.published").increment();
  }

  /** Messages dropped on the way out or in (rate_limited, queue_full, peer_not_writable ...). */
  public void messageDropped(String reason) {
    registry.counter("p2p.messages.dropped", "reason", reason).increment();
  }

  public void requestServed(String kind, String result) {
    registry.counter("p2p.requests.served", "kind", kind, "result", result).increment();
  }

  public void blobChunk(String result) {
    registry.counter("p2p.blob.chunks", "result", result).increment();
  }

  public void blobFetch(String result) {
    registry.counter("p2p.blob.fetches", "result", result).increment();
  }

  public void reputationAdjusted(String adjustment) {
    registry.counter("p2p.reputation.adjustments", "adjustment", adjustment).increment();
  }

  public void peerBanned() {
    registry.counter("p2p.peers.banned").increment();
  }
}
