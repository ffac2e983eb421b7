package org.learnchain.p2p.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.learnchain.crypto.PublicKey;
import org.learnchain.p2p.DisconnectReason;
import org.learnchain.p2p.Membership;
import org.learnchain.p2p.P2PConfig;
import org.learnchain.p2p.PeerInfo;
import org.learnchain.proto.p2p.Disconnect;
import org.learnchain.proto.p2p.Envelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions of authenticated peers and who may hold one: admission (membership, bans, the
 * operator's deny list, the peer limit), opening with the duplicate tie-break, disconnecting once
 * and forgetting a session whose connection ended. One entry per peer key at most.
 */
final class SessionTable {
  private static final Logger LOG = LoggerFactory.getLogger(SessionTable.class);

  private final P2PConfig config;
  private final PublicKey localKey;
  private final String shortId;
  private final Membership membership;
  private final Reputation reputation;
  private final AddressBook addressBook;
  private final P2PMetrics metrics;
  private final TimeSource time;
  private final BooleanSupplier running;
  private final ConcurrentHashMap<PublicKey, PeerSession> sessions = new ConcurrentHashMap<>();
  // The operator's deny list: checked at admission (handshake and session opening) and when
  // choosing whom to dial, so a denied key can hold no session while it is listed.
  private final Set<PublicKey> denied = ConcurrentHashMap.newKeySet();

  SessionTable(
      P2PConfig config,
      PublicKey localKey,
      Membership membership,
      Reputation reputation,
      AddressBook addressBook,
      P2PMetrics metrics,
      TimeSource time,
      BooleanSupplier running) {
    this.config = config;
    this.localKey = localKey;
    this.shortId = P2PCore.shortKey(localKey);
    this.membership = membership;
    this.reputation = reputation;
    this.addressBook = addressBook;
    this.metrics = metrics;
    this.time = time;
    this.running = running;
  }

  /**
   * Whether {@code peer} may hold a session; runs during the handshake, before any per-peer state
   * exists, so strangers cost nothing.
   */
  Optional<DisconnectReason> admit(PublicKey peer, boolean inbound) {
    if (!running.getAsBoolean()) {
      return Optional.of(DisconnectReason.SHUTDOWN);
    }
    if (peer.equals(localKey)) {
      return Optional.of(DisconnectReason.SELF);
    }
    if (!membership.contains(peer)) {
      return Optional.of(DisconnectReason.NOT_A_MEMBER);
    }
    if (reputation.isBanned(peer)) {
      return Optional.of(DisconnectReason.BANNED);
    }
    if (denied.contains(peer)) {
      return Optional.of(DisconnectReason.DENIED);
    }
    if (inbound && sessions.size() >= config.maxPeers() && !sessions.containsKey(peer)) {
      return Optional.of(DisconnectReason.TOO_MANY_PEERS);
    }
    return Optional.empty();
  }

  /**
   * Registers an authenticated connection and allocates its session. Returns empty, having closed
   * the connection, when it is refused (stopped, banned, duplicate that loses the tie-break, full).
   */
  Optional<PeerSession> open(Connection c) {
    PublicKey key = c.remoteKey();
    PeerSession session;
    PeerSession replaced = null;
    synchronized (sessions) {
      Optional<DisconnectReason> refused = admit(key, false);
      if (refused.isEmpty()
          && !c.outbound()
          && !sessions.containsKey(key)
          && sessions.size() >= config.maxPeers()) {
        refused = Optional.of(DisconnectReason.TOO_MANY_PEERS);
      }
      PeerSession existing = sessions.get(key);
      if (refused.isEmpty() && existing != null && !keepNewConnection(c, existing.connection)) {
        refused = Optional.of(DisconnectReason.DUPLICATE);
      }
      if (refused.isPresent()) {
        metrics.handshakeFailed(refused.get());
        LOG.debug("Session refused peer={} reason={}", P2PCore.shortKey(key), refused.get());
        c.close(refused.get());
        return Optional.empty();
      }
      session = new PeerSession(c, config, time);
      sessions.put(key, session);
      replaced = existing;
    }
    metrics.handshakeSucceeded();
    if (replaced != null) {
      disconnect(replaced, DisconnectReason.DUPLICATE, "replaced by a newer connection", true);
    }
    LOG.info(
        "Peer connected node={} peer={} remote={} direction={} peers={}",
        shortId,
        P2PCore.shortKey(key),
        c.remoteAddress(),
        c.outbound() ? "outbound" : "inbound",
        sessions.size());
    return Optional.of(session);
  }

  /**
   * Two connections to one peer: both ends must keep the same one without talking. Keep the newer
   * when both were opened by the same side (it re-dialled, so it believes the old one dead),
   * otherwise the one opened by the side with the smaller key.
   */
  private boolean keepNewConnection(Connection fresh, Connection old) {
    PublicKey freshOpener = fresh.outbound() ? localKey : fresh.remoteKey();
    PublicKey oldOpener = old.outbound() ? localKey : old.remoteKey();
    return freshOpener.equals(oldOpener) || freshOpener.compareTo(oldOpener) < 0;
  }

  /** The connection of {@code s} has ended (either side closed it). */
  void closed(PeerSession s, DisconnectReason reason) {
    if (!s.ended.compareAndSet(false, true)) {
      return;
    }
    if (sessions.remove(s.key, s)) {
      addressBook.sessionEnded(s.key, time.nanos());
    }
    if (s.closing.compareAndSet(false, true)) {
      metrics.peerDropped(reason);
      LOG.info(
          "Peer disconnected node={} peer={} remote={} reason={}",
          shortId,
          P2PCore.shortKey(s.key),
          s.connection.remoteAddress(),
          reason);
    }
    for (Map.Entry<Long, PeerSession.Pending> e : s.pending.entrySet()) {
      if (s.pending.remove(e.getKey(), e.getValue())) {
        e.getValue().future.complete(new RequestOutcome.Failure(s.key, "peer disconnected"));
      }
    }
  }

  /** Closes the session's connection once, logging and counting why. */
  void disconnect(PeerSession s, DisconnectReason reason, String detail, boolean notify) {
    if (!s.closing.compareAndSet(false, true)) {
      return;
    }
    metrics.peerDropped(reason);
    if (reason != DisconnectReason.SHUTDOWN && reason != DisconnectReason.REMOTE_REQUESTED) {
      LOG.info(
          "Disconnecting peer node={} peer={} remote={} reason={} detail={}",
          shortId,
          P2PCore.shortKey(s.key),
          s.connection.remoteAddress(),
          reason,
          detail);
    }
    if (notify) {
      s.connection.send(
          Envelope.newBuilder()
              .setDisconnect(Disconnect.newBuilder().setReason(reason.code()))
              .build()
              .toByteArray());
    }
    s.connection.close(reason);
  }

  /** Every session, for the ones that walk them all (gossip fan-out, upkeep, shutdown). */
  ConcurrentHashMap<PublicKey, PeerSession> map() {
    return sessions;
  }

  int size() {
    return sessions.size();
  }

  /** The open (not closing) session of {@code key}. */
  Optional<PeerSession> session(PublicKey key) {
    PeerSession s = sessions.get(key);
    return s == null || s.closing.get() ? Optional.empty() : Optional.of(s);
  }

  /** Open sessions, in the order a fetch should try them: preferred, then by score. */
  List<PeerSession> sourcesInOrder(List<PublicKey> preferred) {
    List<PeerSession> out = new ArrayList<>();
    for (PublicKey k : preferred) {
      session(k).ifPresent(out::add);
    }
    List<PeerSession> rest = new ArrayList<>();
    for (PeerSession s : sessions.values()) {
      if (!s.closing.get() && !out.contains(s)) {
        rest.add(s);
      }
    }
    rest.sort(Comparator.comparingInt((PeerSession s) -> -reputation.score(s.key)));
    out.addAll(rest);
    return out;
  }

  List<PeerInfo> peers() {
    long now = time.nanos();
    List<PeerInfo> out = new ArrayList<>();
    for (PeerSession s : sessions.values()) {
      if (s.closing.get()) {
        continue;
      }
      out.add(
          new PeerInfo(
              s.key,
              s.connection.remoteAddress(),
              s.connection.outbound(),
              addressBook.record(s.key).map(PeerRecord::address),
              reputation.score(s.key),
              TimeUnit.NANOSECONDS.toMillis(now - s.openedNanos)));
    }
    out.sort(Comparator.comparing(PeerInfo::key));
    return out;
  }

  boolean deny(PublicKey peer) {
    boolean added;
    PeerSession s;
    // Under the sessions lock, so that open() either sees the key listed or its session is
    // already registered and is dropped here.
    synchronized (sessions) {
      added = denied.add(peer);
      s = sessions.get(peer);
    }
    if (added) {
      LOG.info("Peer denied node={} peer={}", shortId, P2PCore.shortKey(peer));
    }
    if (s != null) {
      disconnect(s, DisconnectReason.DENIED, "on the operator's deny list", true);
    }
    return added;
  }

  boolean allow(PublicKey peer) {
    boolean removed = denied.remove(peer);
    if (removed) {
      LOG.info("Peer allowed again node={} peer={}", shortId, P2PCore.shortKey(peer));
    }
    return removed;
  }

  List<PublicKey> denied() {
    List<PublicKey> out = new ArrayList<>(denied);
    out.sort(Comparator.naturalOrder());
    return out;
  }

  boolean isDenied(PublicKey key) {
    return denied.contains(key);
  }
}
