package org.learnchain.p2p.core;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.p2p.BlobResult;
import org.learnchain.p2p.BlockSource;
import org.learnchain.p2p.BlocksResult;
import org.learnchain.p2p.DisconnectReason;
import org.learnchain.p2p.GossipHandler;
import org.learnchain.p2p.GossipValidator;
import org.learnchain.p2p.Membership;
import org.learnchain.p2p.MessageId;
import org.learnchain.p2p.P2PConfig;
import org.learnchain.p2p.P2PException;
import org.learnchain.p2p.PeerAddress;
import org.learnchain.p2p.PeerInfo;
import org.learnchain.p2p.ReputationAdjustment;
import org.learnchain.p2p.Topic;
import org.learnchain.p2p.blob.BlobStore;
import org.learnchain.proto.p2p.Disconnect;
import org.learnchain.proto.p2p.Envelope;
import org.learnchain.proto.p2p.Pong;
import org.learnchain.proto.p2p.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network above the transport, behind the {@code P2PNetwork} facade: lifecycle, admission,
 * sessions (opening, duplicates, violations, reputation) and inbound dispatch; gossip is {@link
 * GossipRelay}'s, request serving and outbound requests {@link RequestRouter}'s, discovery and
 * upkeep {@link Discovery}'s, blob transfer {@link BlobFetcher}'s and {@link BlobServer}'s. Both
 * transports drive the same core, so they behave alike.
 *
 * <p>Threads: transports call in from their I/O threads; gossip validation runs on one gossip
 * thread (bounded queue), request serving on a small bounded pool, blob fetch state on one blob
 * thread, and timers on one maintenance thread. Shared state is in concurrent maps or behind
 * monitors; per-fetch state is confined to the blob thread.
 */
public final class P2PCore {
  private static final Logger LOG = LoggerFactory.getLogger(P2PCore.class);

  private final P2PConfig config;
  private final PrivateKey nodeKey;
  private final PublicKey localKey;
  private final String shortId;
  private final Membership membership;
  private final BlockSource blockSource;
  private final BlobStore blobStore;
  private final TimeSource time;
  private final P2PMetrics metrics;
  private final Reputation reputation;
  private final AddressBook addressBook;
  private final ConcurrentHashMap<PublicKey, PeerSession> sessions = new ConcurrentHashMap<>();
  // The operator's deny list: checked at admission (handshake and session opening) and when
  // choosing whom to dial, so a denied key can hold no session while it is listed.
  private final Set<PublicKey> denied = ConcurrentHashMap.newKeySet();
  private final ScheduledThreadPoolExecutor scheduler;
  private final ExecutorService blobExecutor;
  private final ByteArrayPool framePool;
  private final BlobFetcher blobFetcher;
  private final GossipRelay gossip;
  private final RequestRouter requests;
  private final Discovery discovery;
  private final Object lifecycle = new Object();
  private volatile boolean started;
  private volatile boolean running;
  private volatile Transport transport;
  private volatile PeerAddress listenAddress;

  public P2PCore(
      P2PConfig config,
      PrivateKey nodeKey,
      Membership membership,
      BlockSource blockSource,
      BlobStore blobStore,
      MeterRegistry registry,
      TimeSource time) {
    this.config = config;
    this.nodeKey = nodeKey;
    this.localKey = nodeKey.publicKey();
    this.shortId = localKey.toHex().substring(0, 8);
    this.membership = membership;
    this.blockSource = blockSource;
    this.blobStore = blobStore;
    this.time = time;
    this.metrics = new P2PMetrics(registry, sessions::size);
    this.reputation = new Reputation(config.banThreshold(), config.banDuration(), time.nanoTime());
    this.addressBook = new AddressBook(config.reconnectBackoffMin(), config.reconnectBackoffMax());
    this.scheduler = new ScheduledThreadPoolExecutor(1, threads("p2p-timer-" + shortId));
    this.scheduler.setRemoveOnCancelPolicy(true);
    this.blobExecutor = Executors.newSingleThreadExecutor(threads("p2p-blob-" + shortId));
    // Sized for this node's own chunks, served or fetched from peers configured alike; enough for
    // a fetch window in flight plus its reorder buffer.
    this.framePool =
        new ByteArrayPool(
            config.blobChunkBytes() + ChunkEnvelope.MAX_HEADER_BYTES, 2 * config.blobWindow() + 8);
    BlobServer blobServer =
        new BlobServer(
            blobStore,
            config.blobChunkBytes(),
            config.maxFrameBytes() - P2PConfig.FRAME_OVERHEAD_BYTES,
            framePool);
    this.blobFetcher = new BlobFetcher(this, blobExecutor);
    this.gossip = new GossipRelay(this);
    this.requests = new RequestRouter(this, blockSource, blobServer);
    this.discovery = new Discovery(this);
  }

  static ThreadFactory threads(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  // ------------------------------------------------------------------------------------------
  // Lifecycle
  // ------------------------------------------------------------------------------------------

  public void start(Transport t) {
    synchronized (lifecycle) {
      if (started) {
        throw new P2PException("p2p network already started");
      }
      started = true;
      transport = t;
      PeerAddress bound;
      try {
        bound = t.start(this);
      } catch (IOException e) {
        running = false;
        shutdownExecutors();
        throw new P2PException(
            "cannot listen on " + config.listenHost() + ":" + config.listenPort() + ": " + e, e);
      }
      listenAddress = bound;
      discovery.started(nodeKey, bound);
      running = true;
      scheduler.scheduleWithFixedDelay(
          discovery::maintainSafely,
          0,
          config.maintenanceInterval().toNanos(),
          TimeUnit.NANOSECONDS);
      LOG.info(
          "P2P network started node={} listen={} bootnodes={} members={}",
          shortId,
          bound,
          config.bootnodes().size(),
          membership.size());
    }
  }

  public void stop() {
    synchronized (lifecycle) {
      if (!running) {
        return;
      }
      running = false;
    }
    for (PeerSession s : sessions.values()) {
      disconnect(s, DisconnectReason.SHUTDOWN, "node stopping", true);
    }
    transport.stop();
    for (PeerSession s : new ArrayList<>(sessions.values())) {
      closed(s, DisconnectReason.SHUTDOWN);
    }
    blobFetcher.stop();
    shutdownExecutors();
    LOG.info("P2P network stopped node={}", shortId);
  }

  private void shutdownExecutors() {
    scheduler.shutdownNow();
    gossip.shutdown();
    requests.shutdown();
    blobExecutor.shutdown();
    try {
      if (!blobExecutor.awaitTermination(2, TimeUnit.SECONDS)) {
        blobExecutor.shutdownNow();
      }
    } catch (InterruptedException e) {
      blobExecutor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  public boolean isRunning() {
    return running;
  }

  // ------------------------------------------------------------------------------------------
  // Called by transports
  // ------------------------------------------------------------------------------------------

  public P2PConfig config() {
    return config;
  }

  public P2PMetrics metrics() {
    return metrics;
  }

  /** Arrays for blob chunk frames, shared by this node's connections. */
  public ByteArrayPool framePool() {
    return framePool;
  }

  public PublicKey localKey() {
    return localKey;
  }

  public String shortId() {
    return shortId;
  }

  public HandshakeParams handshakeParams() {
    return new HandshakeParams(
        config.chainId(), config.protocolVersion(), config.genesisHash(), nodeKey);
  }

  /**
   * Whether {@code peer} may hold a session; runs during the handshake, before any per-peer state
   * exists, so strangers cost nothing.
   */
  public Optional<DisconnectReason> admit(PublicKey peer, boolean inbound) {
    if (!running) {
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

  /** A connection failed before authentication (or was refused after it). */
  public void handshakeFailed(
      PeerAddress remote, Optional<PeerAddress> dialled, DisconnectReason reason, String detail) {
    metrics.handshakeFailed(reason);
    if (reason == DisconnectReason.SHUTDOWN) {
      LOG.debug("Handshake aborted remote={} reason={}", remote, reason);
    } else {
      LOG.info(
          "Peer refused in handshake node={} remote={} direction={} reason={} detail={}",
          shortId,
          remote,
          dialled.isPresent() ? "outbound" : "inbound",
          reason,
          detail);
    }
    dialled.ifPresent(a -> discovery.dialFailed(a, reason.code()));
  }

  /**
   * Registers an authenticated connection and allocates its session. Returns empty, having closed
   * the connection, when it is refused (stopped, banned, duplicate that loses the tie-break, full).
   */
  public Optional<PeerSession> open(Connection c, Optional<PeerAddress> dialled) {
    PublicKey key = c.remoteKey();
    dialled.ifPresent(a -> discovery.dialSucceeded(a, key));
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
        LOG.debug("Session refused peer={} reason={}", shortKey(key), refused.get());
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
        shortKey(key),
        c.remoteAddress(),
        c.outbound() ? "outbound" : "inbound",
        sessions.size());
    discovery.sendPeerList(session);
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
  public void closed(PeerSession s, DisconnectReason reason) {
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
          shortKey(s.key),
          s.connection.remoteAddress(),
          reason);
    }
    for (Map.Entry<Long, PeerSession.Pending> e : s.pending.entrySet()) {
      if (s.pending.remove(e.getKey(), e.getValue())) {
        e.getValue().future.complete(new RequestOutcome.Failure(s.key, "peer disconnected"));
      }
    }
  }

  /** The peer broke the protocol: penalise it and drop it. */
  public void violation(
      PeerSession s, ReputationAdjustment adjustment, DisconnectReason reason, String detail) {
    Reputation.Adjusted a = reputation.adjust(s.key, adjustment);
    metrics.reputationAdjusted(adjustment.name().toLowerCase(java.util.Locale.ROOT));
    if (a.bannedNow()) {
      metrics.peerBanned();
    }
    LOG.warn(
        "Peer dropped for misbehaviour node={} peer={} remote={} reason={} detail={} score={}",
        shortId,
        shortKey(s.key),
        s.connection.remoteAddress(),
        reason,
        detail,
        a.score());
    disconnect(s, reason, detail, false);
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
          shortKey(s.key),
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

  /** Applies a reputation adjustment; a peer that falls to the threshold is banned and dropped. */
  void penalize(PublicKey peer, ReputationAdjustment adjustment) {
    Reputation.Adjusted a = reputation.adjust(peer, adjustment);
    metrics.reputationAdjusted(adjustment.name().toLowerCase(java.util.Locale.ROOT));
    if (adjustment.delta() < 0) {
      LOG.debug(
          "Peer penalised peer={} adjustment={} score={}", shortKey(peer), adjustment, a.score());
    }
    if (a.bannedNow()) {
      metrics.peerBanned();
      LOG.warn(
          "Peer banned peer={} score={} banSeconds={}",
          shortKey(peer),
          a.score(),
          config.banDuration().toSeconds());
      PeerSession s = sessions.get(peer);
      if (s != null) {
        disconnect(s, DisconnectReason.REPUTATION, "score " + a.score(), true);
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // Inbound dispatch
  // ------------------------------------------------------------------------------------------

  /** One decoded envelope from {@code s}, in wire order. */
  public void onEnvelope(PeerSession s, Envelope e) {
    onEnvelope(s, e, FrameLease.none());
  }

  /**
   * One decoded envelope from {@code s}, in wire order, parsed from (aliasing) the pooled array
   * under {@code lease}. Only a blob chunk answer hands the lease on; anything else drops it.
   */
  public void onEnvelope(PeerSession s, Envelope e, FrameLease lease) {
    if (s.closing.get()) {
      return;
    }
    s.lastReceivedNanos = time.nanos();
    switch (e.getBodyCase()) {
      case GOSSIP -> gossip.onGossip(s, e.getGossip());
      case REQUEST -> requests.onRequest(s, e.getRequest());
      case RESPONSE -> requests.onResponse(s, e.getResponse(), lease);
      case PEER_LIST -> discovery.onPeerList(s, e.getPeerList());
      case PING -> {
        if (rateLimited(s, s.requests, 1)) {
          return;
        }
        send(
            s,
            Envelope.newBuilder()
                .setPong(Pong.newBuilder().setNonce(e.getPing().getNonce()))
                .build());
      }
      case PONG -> {
        // Receipt already refreshed lastReceivedNanos, which is all liveness needs.
      }
      case DISCONNECT -> {
        LOG.info(
            "Peer is disconnecting node={} peer={} reason={}",
            shortId,
            shortKey(s.key),
            LogText.printable(e.getDisconnect().getReason()));
        disconnect(s, DisconnectReason.REMOTE_REQUESTED, "peer said goodbye", false);
      }
      case BODY_NOT_SET ->
          violation(
              s,
              ReputationAdjustment.MALFORMED_MESSAGE,
              DisconnectReason.MALFORMED_MESSAGE,
              "empty envelope");
    }
  }

  boolean rateLimited(PeerSession s, TokenBucket bucket, double cost) {
    if (bucket.tryAcquire(cost)) {
      return false;
    }
    metrics.messageDropped("rate_limited");
    penalize(s.key, ReputationAdjustment.RATE_LIMITED);
    return true;
  }

  /**
   * True when the peer keeps up. A peer that stays above the high-water mark for longer than the
   * grace period is dropped, so it cannot pin memory or make the others wait.
   */
  boolean writableOrDrop(PeerSession s, long now) {
    if (s.connection.writable()) {
      s.unwritableSinceNanos = 0;
      return true;
    }
    long since = s.unwritableSinceNanos;
    if (since == 0) {
      s.unwritableSinceNanos = now == 0 ? 1 : now;
    } else if (now - since > config.slowPeerGrace().toNanos()) {
      disconnect(
          s,
          DisconnectReason.OUTBOUND_QUEUE_FULL,
          "not reading for " + config.slowPeerGrace().toMillis() + " ms",
          false);
    }
    return false;
  }

  // ------------------------------------------------------------------------------------------
  // Outbound
  // ------------------------------------------------------------------------------------------

  boolean send(PeerSession s, Envelope e) {
    return sendBytes(s, e.toByteArray());
  }

  boolean sendBytes(PeerSession s, byte[] bytes) {
    return sendBytes(s, bytes, bytes.length, b -> {});
  }

  /**
   * Sends the envelope in {@code bytes[0, length)}; the transport hands the array to {@code
   * recycle} once it has copied it out (and never, when it is not sent).
   */
  boolean sendBytes(PeerSession s, byte[] bytes, int length, Consumer<byte[]> recycle) {
    if (s.closing.get()) {
      return false;
    }
    if (length > config.maxFrameBytes()) {
      LOG.error(
          "Message larger than a frame not sent peer={} bytes={} max={}",
          shortKey(s.key),
          length,
          config.maxFrameBytes());
      return false;
    }
    if (!s.connection.send(bytes, length, recycle)) {
      metrics.messageDropped("queue_full");
      disconnect(
          s,
          DisconnectReason.OUTBOUND_QUEUE_FULL,
          "more than " + config.maxQueuedBytesPerPeer() + " bytes waiting",
          false);
      return false;
    }
    return true;
  }

  // ------------------------------------------------------------------------------------------
  // Maintenance: bans, liveness, peer lists, dialling
  // ------------------------------------------------------------------------------------------

  // ------------------------------------------------------------------------------------------
  // API (P2PNetwork delegates here)
  // ------------------------------------------------------------------------------------------

  public PeerAddress listenAddress() {
    PeerAddress a = listenAddress;
    if (a == null) {
      throw new IllegalStateException("network not started");
    }
    return a;
  }

  public List<PeerInfo> peers() {
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

  public int score(PublicKey peer) {
    return reputation.score(peer);
  }

  public boolean isBanned(PublicKey peer) {
    return reputation.isBanned(peer);
  }

  public boolean deny(PublicKey peer) {
    boolean added;
    PeerSession s;
    // Under the sessions lock, so that open() either sees the key listed or its session is
    // already registered and is dropped here.
    synchronized (sessions) {
      added = denied.add(peer);
      s = sessions.get(peer);
    }
    if (added) {
      LOG.info("Peer denied node={} peer={}", shortId, shortKey(peer));
    }
    if (s != null) {
      disconnect(s, DisconnectReason.DENIED, "on the operator's deny list", true);
    }
    return added;
  }

  public boolean allow(PublicKey peer) {
    boolean removed = denied.remove(peer);
    if (removed) {
      LOG.info("Peer allowed again node={} peer={}", shortId, shortKey(peer));
    }
    return removed;
  }

  public List<PublicKey> denied() {
    List<PublicKey> out = new ArrayList<>(denied);
    out.sort(Comparator.naturalOrder());
    return out;
  }

  public void addBootnode(PeerAddress address) {
    discovery.addBootnode(address);
  }

  /** An outbound connection attempt did not reach a session. */
  public void dialFailed(PeerAddress address, String detail) {
    discovery.dialFailed(address, detail);
  }

  public void subscribe(Topic topic, GossipValidator validator, GossipHandler handler) {
    gossip.subscribe(topic, validator, handler);
  }

  public MessageId publish(Topic topic, byte[] payload) {
    return gossip.publish(topic, payload);
  }

  public CompletableFuture<BlocksResult> requestBlocks(PublicKey peer, long fromHeight, int count) {
    return requests.requestBlocks(peer, fromHeight, count);
  }

  /** Sends a request and returns its outcome; never completes exceptionally. */
  CompletableFuture<RequestOutcome> request(PeerSession s, Request.Builder r) {
    return requests.request(s, r);
  }

  public CompletableFuture<BlobResult> fetchBlob(
      Hash contentHash, long maxBytes, List<PublicKey> preferredSources) {
    if (!running) {
      return CompletableFuture.completedFuture(
          new BlobResult.Failed(contentHash, "network not running"));
    }
    return blobFetcher.fetch(
        contentHash, Math.min(maxBytes, config.maxBlobBytes()), List.copyOf(preferredSources));
  }

  public BlobStore blobStore() {
    return blobStore;
  }

  // ------------------------------------------------------------------------------------------
  // For the blob fetcher
  // ------------------------------------------------------------------------------------------

  Optional<PeerSession> session(PublicKey key) {
    PeerSession s = sessions.get(key);
    return s == null || s.closing.get() ? Optional.empty() : Optional.of(s);
  }

  /** Connected, unbanned peers in the order a fetch should try them: preferred, then by score. */
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

  BlobStore store() {
    return blobStore;
  }

  /** Runs {@code task} on the timer thread after {@code delayNanos}; false once stopped. */
  boolean schedule(Runnable task, long delayNanos) {
    try {
      scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  int maxChunkBytes() {
    return config.maxFrameBytes() - P2PConfig.FRAME_OVERHEAD_BYTES;
  }

  // ------------------------------------------------------------------------------------------
  // For the gossip relay, request router and discovery
  // ------------------------------------------------------------------------------------------

  ConcurrentHashMap<PublicKey, PeerSession> sessionMap() {
    return sessions;
  }

  ScheduledThreadPoolExecutor scheduler() {
    return scheduler;
  }

  Membership membership() {
    return membership;
  }

  Reputation reputation() {
    return reputation;
  }

  AddressBook addressBook() {
    return addressBook;
  }

  Transport transport() {
    return transport;
  }

  TimeSource time() {
    return time;
  }

  boolean isDenied(PublicKey key) {
    return denied.contains(key);
  }

  PeerAddress listenAddressOrNull() {
    return listenAddress;
  }

  static String shortKey(PublicKey key) {
    return key.toHex().substring(0, 8);
  }
}
