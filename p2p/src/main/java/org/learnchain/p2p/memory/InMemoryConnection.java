package org.learnchain.p2p.memory;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.learnchain.crypto.PublicKey;
import org.learnchain.p2p.DisconnectReason;
import org.learnchain.p2p.PeerAddress;
import org.learnchain.p2p.ReputationAdjustment;
import org.learnchain.p2p.core.Connection;
import org.learnchain.p2p.core.PeerSession;
import org.learnchain.proto.p2p.Envelope;

/**
 * One end of an in-memory link. Bytes go to the other node's inbox thread, in order, and are parsed
 * there like frames off a socket; a close travels the same way, behind the bytes sent before it.
 * The same per-peer outbound bound as TCP applies to bytes the other side has not yet processed.
 */
final class InMemoryConnection implements Connection {
  private final InMemoryTransport owner;
  private final PublicKey remoteKey;
  private final boolean outbound;
  private final PeerAddress remoteAddress;
  private final long maxQueuedBytes;
  private final AtomicLong queued = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile InMemoryConnection peer;
  private volatile PeerSession session;

  InMemoryConnection(
      InMemoryTransport owner,
      PublicKey remoteKey,
      boolean outbound,
      PeerAddress remoteAddress,
      long maxQueuedBytes) {
    this.owner = owner;
    this.remoteKey = remoteKey;
    this.outbound = outbound;
    this.remoteAddress = remoteAddress;
    this.maxQueuedBytes = maxQueuedBytes;
  }

  void link(InMemoryConnection other) {
    this.peer = other;
  }

  /** Registers the session with the owner's core; runs on the owner's inbox thread. */
  void open(Optional<PeerAddress> dialled) {
    owner.connections().add(this);
    session = owner.core().open(this, dialled).orElse(null);
    if (session != null && closed.get()) {
      owner.core().closed(session, DisconnectReason.CONNECTION_CLOSED);
    }
  }

  @Override
  public PublicKey remoteKey() {
    return remoteKey;
  }

  @Override
  public boolean outbound() {
    return outbound;
  }

  @Override
  public PeerAddress remoteAddress() {
    return remoteAddress;
  }

  @Override
  public boolean send(byte[] envelope) {
    if (closed.get()) {
      return true; // the session is ending; like a write on a closing socket, it goes nowhere
    }
    long n = envelope.length;
    if (queued.addAndGet(n) > maxQueuedBytes) {
      queued.addAndGet(-n);
      return false;
    }
    owner.core().metrics().bytesOut(n);
    InMemoryConnection p = peer;
    p.owner.execute(
        () -> {
          queued.addAndGet(-n);
          p.receive(envelope);
        });
    return true;
  }

  /** On this side's inbox thread. */
  private void receive(byte[] bytes) {
    PeerSession s = session;
    if (closed.get() || s == null) {
      return;
    }
    owner.core().metrics().bytesIn(bytes.length);
    Envelope e;
    try {
      e = Envelope.parseFrom(bytes);
    } catch (InvalidProtocolBufferException ex) {
      owner
          .core()
          .violation(
              s,
              ReputationAdjustment.MALFORMED_MESSAGE,
              DisconnectReason.MALFORMED_MESSAGE,
              "envelope does not parse");
      return;
    }
    owner.core().onEnvelope(s, e);
  }

  @Override
  public boolean writable() {
    return !closed.get() && queued.get() < maxQueuedBytes / 2;
  }

  @Override
  public void close(DisconnectReason reason) {
    if (closed.compareAndSet(false, true)) {
      owner.execute(this::ended);
      InMemoryConnection p = peer;
      if (p != null) {
        p.owner.execute(p::remoteClosed);
      }
    }
  }

  private void remoteClosed() {
    if (closed.compareAndSet(false, true)) {
      ended();
    }
  }

  /** Tells the owner's core the link is gone; on the owner's inbox thread (or at shutdown). */
  void ended() {
    owner.connections().remove(this);
    PeerSession s = session;
    if (s != null) {
      owner.core().closed(s, DisconnectReason.CONNECTION_CLOSED);
    }
  }
}
