package org.learnchain.p2p.core;

import java.util.Arrays;
import java.util.function.Consumer;
import org.learnchain.crypto.PublicKey;
import org.learnchain.p2p.DisconnectReason;
import org.learnchain.p2p.PeerAddress;

/**
 * A transport's authenticated link to one peer, as the core sees it. Implementations are
 * thread-safe: the core sends from its worker threads as well as from the transport's.
 */
public interface Connection {
  PublicKey remoteKey();

  /** True when this node dialled. */
  boolean outbound();

  PeerAddress remoteAddress();

  /**
   * Queues one encoded {@code Envelope}. Returns false, queuing nothing, when the bytes waiting for
   * this peer would exceed the per-peer bound: the peer is too slow and the core drops it.
   */
  boolean send(byte[] envelope);

  /**
   * Queues the encoded {@code Envelope} in {@code buf[0, length)} like {@link #send(byte[])}. The
   * transport passes {@code buf} to {@code recycle} once it no longer reads it (after framing it),
   * or never; the caller does not touch {@code buf} after the call. This default copies when the
   * envelope does not fill the array and never recycles.
   */
  default boolean send(byte[] buf, int length, Consumer<byte[]> recycle) {
    return send(length == buf.length ? buf : Arrays.copyOf(buf, length));
  }

  /**
   * False while the bytes waiting for this peer are above the transport's high-water mark; the core
   * then drops gossip for this peer instead of queuing more.
   */
  boolean writable();

  /**
   * What protects the link, for operators and benchmarks: for TLS the protocol, cipher suite and
   * the library that runs the records (e.g. {@code TLSv1.3 TLS_AES_128_GCM_SHA256 BoringSSL}).
   */
  default String security() {
    return "none";
  }

  /** Closes the link; the transport then reports {@link P2PCore#closed}. Idempotent. */
  void close(DisconnectReason reason);
}
