package org.learnchain.p2p.core;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.crypto.SigningDomain;
import org.learnchain.p2p.BlobResult;
import org.learnchain.p2p.BlockSource;
import org.learnchain.p2p.BlocksResult;
import org.learnchain.p2p.DisconnectReason;
import org.learnchain.p2p.GossipHandler;
import org.learnchain.p2p.GossipMessage;
import org.learnchain.p2p.GossipValidator;
import org.learnchain.p2p.Membership;
import org.learnchain.p2p.MessageId;
import org.learnchain.p2p.P2PConfig;
import org.learnchain.p2p.P2PException;
import org.learnchain.p2p.PeerAddress;
import org.learnchain.p2p.PeerInfo;
import org.learnchain.p2p.ReputationAdjustment;
import org.learnchain.p2p.Topic;
import org.learnchain.p2p.ValidationResult;
import org.learnchain.p2p.blob.BlobStore;
import org.learnchain.proto.p2p.BlocksByRangeRequest;
import org.learnchain.proto.p2p.BlocksByRangeResponse;
import org.learnchain.proto.p2p.Disconnect;
import org.learnchain.proto.p2p.Envelope;
import org.learnchain.proto.p2p.ErrorResponse;
import org.learnchain.proto.p2p.Gossip;
import org.learnchain.proto.p2p.PeerList;
import org.learnchain.proto.p2p.Ping;
import org.learnchain.proto.p2p.Pong;
import org.learnchain.proto.p2p.Request;
import org.learnchain.proto.p2p.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the network does above the transport: admission, sessions, gossip, request/response,
 * blob transfer, discovery, reputation. Both transports drive the same core, so they behave alike.
 *
 * <p>Threads: transports call in from their I/O threads; gossip validation runs on one gossip
 * thread (bounded queue), request serving on a small bounded pool, blob fetch state on one blob
 * thread, and timers on one maintenance thread. Shared state is in concurrent maps or behind
 * monitors; per-fetch state is confined to the blob thread.
 */
public final class P2PCore {
  private static final Logger LOG = LoggerFactory.getLogger(P2PCore.class);

  /** Most peer records in one peer list (members are far fewer in a permissioned chain). */
  static final int MAX_PEER_RECORDS = 256;

  private record Subscription(GossipValidator validator, GossipHandler handler) {}

  private final P2PConfig config;
  private final PrivateKey nodeKey;
  private final PublicKey localKey;
  private final String shortId;
  private final Membership membership;
  private final BlockSource blockSource;
  private final BlobStore blobStore;
  private final TimeSource time;
  private final P2PMetrics metrics;
  private final SigningDomain recordDomain;
  private final Reputation reputation;
  private final SeenCache seen;
  private final AddressBook addressBook;
  private final ConcurrentHashMap<PublicKey, PeerSession> sessions = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Topic, Subscription> subscriptions = new ConcurrentHashMap<>();
  private final Set<PeerAddress> dialing = ConcurrentHashMap.newKeySet();
  // The operator's deny list: checked at admission (handshake and session opening) and when
  // choosing whom to dial, so a denied key can hold no session while it is listed.
  private final Set<PublicKey> denied = ConcurrentHashMap.newKeySet();
  private final AtomicLong requestIds = new AtomicLong();
  private final ScheduledThreadPoolExecutor scheduler;
  private final ThreadPoolExecutor gossipExecutor;
  // Validates the config's bulk topics, so that a flood of them never delays a block.
  private final ThreadPoolExecutor bulkGossipExecutor;
  private final ThreadPoolExecutor requestExecutor;
  private final ExecutorService blobExecutor;
  private final ByteArrayPool framePool;
  private final BlobServer blobServer;
  private final BlobFetcher blobFetcher;
  private final Object lifecycle = new Object();
  private volatile boolean started;
  private volatile boolean running;
  private volatile Transport transport;
  private volatile PeerAddress listenAddress;
  private volatile PeerRecord localRecord;
  private volatile long lastPeerListPushNanos;

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
    this.recordDomain = SigningDomain.of(config.chainId(), MessageType.PEER_RECORD);
    this.reputation = new Reputation(config.banThreshold(), config.banDuration(), time.nanoTime());
    this.seen = new SeenCache(config.seenCacheSize());
    this.addressBook = new AddressBook(config.reconnectBackoffMin(), config.reconnectBackoffMax());
    this.scheduler = new ScheduledThreadPoolExecutor(1, threads("p2p-timer-" + shortId));
    this.scheduler.setRemoveOnCancelPolicy(true);
    this.gossipExecutor =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(config.gossipQueueCapacity()),
            threads("p2p-gossip-" + shortId));
    this.bulkGossipExecutor =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(config.gossipQueueCapacity()),
            threads("p2p-gossip-bulk-" + shortId));
    this.requestExecutor =
        new ThreadPoolExecutor(
            2,
            2,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(1024),
            threads("p2p-serve-" + shortId));
    this.blobExecutor = Executors.newSingleThreadExecutor(threads("p2p-blob-" + shortId));
    // Sized for this node's own chunks, served or fetched from peers configured alike; enough for
    // a fetch window in flight plus its reorder buffer.
    this.framePool =
        new ByteArrayPool(
            config.blobChunkBytes() + ChunkEnvelope.MAX_HEADER_BYTES, 2 * config.blobWindow() + 8);
    this.blobServer =
        new BlobServer(
            blobStore,
            config.blobChunkBytes(),
            config.maxFrameBytes() - P2PConfig.FRAME_OVERHEAD_BYTES,
            framePool);
    this.blobFetcher = new BlobFetcher(this, blobExecutor);
  }

  private static ThreadFactory threads(String name) {
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
      localRecord =
          PeerRecord.sign(
              nodeKey,
              recordDomain,
              new PeerAddress(config.advertisedHost(), bound.port()),
              time.millis());
      config.bootnodes().forEach(addressBook::addBootnode);
      running = true;
      lastPeerListPushNanos = time.nanos();
      scheduler.scheduleWithFixedDelay(
          this::maintainSafely, 0, config.maintenanceInterval().toNanos(), TimeUnit.NANOSECONDS);
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
    gossipExecutor.shutdownNow();
    bulkGossipExecutor.shutdownNow();
    requestExecutor.shutdownNow();
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
    dialled.ifPresent(a -> dialFailed(a, reason.code()));
  }

  /** An outbound connection attempt did not reach the handshake, or the handshake failed. */
  public void dialFailed(PeerAddress address, String detail) {
    dialing.remove(address);
    long delay = addressBook.dialFailed(address, time.nanos());
    LOG.debug(
        "Dial failed address={} reason={} retryInMs={}",
        address,
        detail,
        TimeUnit.NANOSECONDS.toMillis(delay));
  }

  /**
   * Registers an authenticated connection and allocates its session. Returns empty, having closed
   * the connection, when it is refused (stopped, banned, duplicate that loses the tie-break, full).
   */
  public Optional<PeerSession> open(Connection c, Optional<PeerAddress> dialled) {
    PublicKey key = c.remoteKey();
    dialled.ifPresent(
        a -> {
          dialing.remove(a);
          addressBook.dialSucceeded(a, key, time.nanos());
        });
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
    sendPeerList(session);
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
      case GOSSIP -> onGossip(s, e.getGossip());
      case REQUEST -> onRequest(s, e.getRequest());
      case RESPONSE -> onResponse(s, e.getResponse(), lease);
      case PEER_LIST -> onPeerList(s, e.getPeerList());
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

  private boolean rateLimited(PeerSession s, TokenBucket bucket, double cost) {
    if (bucket.tryAcquire(cost)) {
      return false;
    }
    metrics.messageDropped("rate_limited");
    penalize(s.key, ReputationAdjustment.RATE_LIMITED);
    return true;
  }

  private void onGossip(PeerSession s, Gossip g) {
    if (rateLimited(s, s.gossipMessages, 1)) {
      metrics.gossip("rate_limited");
      return;
    }
    if (rateLimited(s, s.gossipBytes, g.getPayload().size())) {
      metrics.gossip("rate_limited");
      return;
    }
    if (!Topic.valid(g.getTopic()) || g.getMessageId().size() != Hash.LENGTH) {
      violation(
          s,
          ReputationAdjustment.MALFORMED_MESSAGE,
          DisconnectReason.MALFORMED_MESSAGE,
          "gossip with a bad topic or message id");
      return;
    }
    MessageId claimed = new MessageId(Hash.wrap(g.getMessageId().toByteArray()));
    if (seen.contains(claimed)) {
      metrics.gossip("duplicate");
      return;
    }
    byte[] payload = g.getPayload().toByteArray();
    MessageId id = MessageId.of(payload);
    if (!id.equals(claimed)) {
      metrics.gossip("invalid_id");
      penalize(s.key, ReputationAdjustment.INVALID_MESSAGE_ID);
      return;
    }
    if (!seen.add(id)) {
      metrics.gossip("duplicate");
      return;
    }
    Topic topic = new Topic(g.getTopic());
    Subscription sub = subscriptions.get(topic);
    if (sub == null) {
      metrics.gossip("unsubscribed");
      return;
    }
    GossipMessage m = new GossipMessage(topic, id, payload, s.key);
    try {
      (config.bulkTopics().contains(topic) ? bulkGossipExecutor : gossipExecutor)
          .execute(() -> validateAndRelay(sub, m));
    } catch (RejectedExecutionException ex) {
      metrics.gossip("overloaded");
      LOG.debug("Gossip dropped, validation queue full topic={} id={}", topic, id);
    }
  }

  private void validateAndRelay(Subscription sub, GossipMessage m) {
    ValidationResult result;
    try {
      result = sub.validator().validate(m);
    } catch (RuntimeException ex) {
      LOG.error("Gossip validator threw topic={} id={}", m.topic(), m.id(), ex);
      metrics.gossip("validator_error");
      return;
    }
    switch (result) {
      case ACCEPT -> {
        metrics.gossip("accepted");
        relay(m.topic(), m.id(), m.payload(), m.from());
        try {
          sub.handler().onMessage(m);
        } catch (RuntimeException ex) {
          LOG.error("Gossip handler threw topic={} id={}", m.topic(), m.id(), ex);
        }
      }
      case IGNORE -> metrics.gossip("ignored");
      case REJECT -> {
        metrics.gossip("rejected");
        LOG.debug("Gossip rejected topic={} id={} from={}", m.topic(), m.id(), shortKey(m.from()));
        penalize(m.from(), ReputationAdjustment.REJECTED_GOSSIP);
      }
    }
  }

  /** Sends a gossip message to every peer but {@code except}; slow peers miss it. */
  private void relay(Topic topic, MessageId id, byte[] payload, PublicKey except) {
    byte[] bytes =
        Envelope.newBuilder()
            .setGossip(
                Gossip.newBuilder()
                    .setTopic(topic.name())
                    .setMessageId(ByteString.copyFrom(id.hash().toArray()))
                    .setPayload(UnsafeByteOperations.unsafeWrap(payload)))
            .build()
            .toByteArray();
    for (PeerSession s : sessions.values()) {
      if (s.key.equals(except) || s.closing.get()) {
        continue;
      }
      if (!writableOrDrop(s, time.nanos())) {
        metrics.messageDropped("peer_not_writable");
        continue;
      }
      sendBytes(s, bytes);
    }
  }

  /**
   * True when the peer keeps up. A peer that stays above the high-water mark for longer than the
   * grace period is dropped, so it cannot pin memory or make the others wait.
   */
  private boolean writableOrDrop(PeerSession s, long now) {
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

  private void onRequest(PeerSession s, Request r) {
    if (rateLimited(s, s.requests, 1)) {
      reply(s, r.getId(), BlobServer.error(ErrorResponse.Code.BUSY, "rate limited"));
      return;
    }
    if (s.serving.incrementAndGet() > config.maxInboundRequestsPerPeer()) {
      s.serving.decrementAndGet();
      metrics.messageDropped("too_many_requests");
      reply(s, r.getId(), BlobServer.error(ErrorResponse.Code.BUSY, "too many requests"));
      return;
    }
    try {
      requestExecutor.execute(
          () -> {
            try {
              serve(s, r);
            } finally {
              s.serving.decrementAndGet();
            }
          });
    } catch (RejectedExecutionException ex) {
      s.serving.decrementAndGet();
      metrics.messageDropped("server_busy");
      reply(s, r.getId(), BlobServer.error(ErrorResponse.Code.BUSY, "server busy"));
    }
  }

  private void serve(PeerSession s, Request r) {
    switch (r.getKindCase()) {
      case BLOCKS_BY_RANGE -> reply(s, r.getId(), serveBlocks(r.getBlocksByRange()));
      case BLOB_MANIFEST -> {
        ByteString h = r.getBlobManifest().getContentHash();
        if (h.size() != Hash.LENGTH) {
          reply(s, r.getId(), BlobServer.error(ErrorResponse.Code.BAD_REQUEST, "bad hash"));
          return;
        }
        Response.Builder resp = blobServer.manifest(Hash.wrap(h.toByteArray()));
        metrics.requestServed("blob_manifest", resp.hasError() ? "error" : "ok");
        reply(s, r.getId(), resp);
      }
      case BLOB_CHUNK -> {
        ByteString h = r.getBlobChunk().getContentHash();
        if (h.size() != Hash.LENGTH) {
          reply(s, r.getId(), BlobServer.error(ErrorResponse.Code.BAD_REQUEST, "bad hash"));
          return;
        }
        BlobServer.EncodedReply resp =
            blobServer.chunk(r.getId(), Hash.wrap(h.toByteArray()), r.getBlobChunk());
        metrics.requestServed("blob_chunk", resp.ok() ? "ok" : "error");
        sendBytes(s, resp.bytes(), resp.length(), resp.pooled() ? framePool::give : b -> {});
      }
      case KIND_NOT_SET ->
          violation(
              s,
              ReputationAdjustment.MALFORMED_MESSAGE,
              DisconnectReason.MALFORMED_MESSAGE,
              "request without a kind");
    }
  }

  private Response.Builder serveBlocks(BlocksByRangeRequest req) {
    long from = req.getFromHeight();
    long count = Integer.toUnsignedLong(req.getCount());
    if (from < 0 || count == 0) {
      metrics.requestServed("blocks_by_range", "bad_request");
      return BlobServer.error(ErrorResponse.Code.BAD_REQUEST, "bad height range");
    }
    int n = (int) Math.min(count, config.maxBlocksPerRequest());
    List<byte[]> blocks;
    try {
      blocks = blockSource.blocksByRange(from, n);
    } catch (RuntimeException ex) {
      LOG.error("Block source failed fromHeight={} count={}", from, n, ex);
      metrics.requestServed("blocks_by_range", "error");
      return BlobServer.error(ErrorResponse.Code.INTERNAL, "block source failed");
    }
    BlocksByRangeResponse.Builder b = BlocksByRangeResponse.newBuilder();
    long budget = config.maxFrameBytes() - P2PConfig.FRAME_OVERHEAD_BYTES;
    for (int i = 0; i < blocks.size() && i < n; i++) {
      byte[] block = blocks.get(i);
      budget -= block.length + 8L;
      if (budget < 0) {
        if (i == 0) {
          LOG.warn("Block too large to serve height={} bytes={}", from, block.length);
        }
        break;
      }
      b.addBlocks(ByteString.copyFrom(block));
    }
    metrics.requestServed("blocks_by_range", "ok");
    return Response.newBuilder().setBlocksByRange(b);
  }

  private void reply(PeerSession s, long id, Response.Builder resp) {
    send(s, Envelope.newBuilder().setResponse(resp.setId(id)).build());
  }

  private void onResponse(PeerSession s, Response r, FrameLease lease) {
    PeerSession.Pending p = s.pending.remove(r.getId());
    if (p == null) {
      // A late answer to a request that timed out also lands here; the penalty is light.
      metrics.messageDropped("unsolicited_response");
      penalize(s.key, ReputationAdjustment.UNSOLICITED_RESPONSE);
      return;
    }
    p.future.complete(new RequestOutcome.Reply(s.key, r, lease));
  }

  private void onPeerList(PeerSession s, PeerList list) {
    if (rateLimited(s, s.requests, 1)) {
      return;
    }
    if (list.getRecordsCount() > MAX_PEER_RECORDS) {
      violation(
          s,
          ReputationAdjustment.MALFORMED_MESSAGE,
          DisconnectReason.MALFORMED_MESSAGE,
          "peer list of " + list.getRecordsCount() + " records");
      return;
    }
    boolean learned = false;
    for (org.learnchain.proto.p2p.PeerRecord p : list.getRecordsList()) {
      Optional<PeerRecord> r = WireRecords.parse(p);
      if (r.isEmpty() || !membership.contains(r.get().key()) || !r.get().verify(recordDomain)) {
        penalize(s.key, ReputationAdjustment.INVALID_PEER_RECORD);
        continue;
      }
      if (r.get().key().equals(localKey)) {
        continue;
      }
      learned |= addressBook.update(r.get());
    }
    if (learned && sessions.size() < config.targetPeers()) {
      try {
        scheduler.execute(this::maintainSafely);
      } catch (RejectedExecutionException ex) {
        LOG.debug("Maintenance not scheduled, network stopping");
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // Outbound
  // ------------------------------------------------------------------------------------------

  boolean send(PeerSession s, Envelope e) {
    return sendBytes(s, e.toByteArray());
  }

  private boolean sendBytes(PeerSession s, byte[] bytes) {
    return sendBytes(s, bytes, bytes.length, b -> {});
  }

  /**
   * Sends the envelope in {@code bytes[0, length)}; the transport hands the array to {@code
   * recycle} once it has encrypted it (and never, when it is not sent).
   */
  private boolean sendBytes(PeerSession s, byte[] bytes, int length, Consumer<byte[]> recycle) {
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

  /** Sends a request and returns its outcome; never completes exceptionally. */
  CompletableFuture<RequestOutcome> request(PeerSession s, Request.Builder r) {
    if (s.closing.get()) {
      return CompletableFuture.completedFuture(
          new RequestOutcome.Failure(s.key, "peer disconnected"));
    }
    if (s.pending.size() >= config.maxOutboundRequestsPerPeer()) {
      return CompletableFuture.completedFuture(
          new RequestOutcome.Failure(s.key, "too many requests in flight"));
    }
    long id = requestIds.incrementAndGet();
    PeerSession.Pending p = new PeerSession.Pending();
    s.pending.put(id, p);
    try {
      p.timeout =
          scheduler.schedule(
              () -> {
                if (s.pending.remove(id, p)) {
                  penalize(s.key, ReputationAdjustment.REQUEST_TIMEOUT);
                  p.future.complete(new RequestOutcome.Failure(s.key, "timed out"));
                }
              },
              config.requestTimeout().toNanos(),
              TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException ex) {
      s.pending.remove(id, p);
      return CompletableFuture.completedFuture(
          new RequestOutcome.Failure(s.key, "network stopped"));
    }
    p.future.whenComplete((o, ex) -> p.timeout.cancel(false));
    if (!send(s, Envelope.newBuilder().setRequest(r.setId(id)).build())) {
      if (s.pending.remove(id, p)) {
        p.future.complete(new RequestOutcome.Failure(s.key, "send failed"));
      }
    }
    if (s.ended.get() && s.pending.remove(id, p)) {
      p.future.complete(new RequestOutcome.Failure(s.key, "peer disconnected"));
    }
    return p.future;
  }

  private void sendPeerList(PeerSession s) {
    PeerList.Builder b = PeerList.newBuilder();
    PeerRecord own = localRecord;
    if (own != null) {
      b.addRecords(WireRecords.toProto(own));
    }
    for (PeerRecord r : addressBook.records()) {
      if (b.getRecordsCount() >= MAX_PEER_RECORDS) {
        break;
      }
      if (!r.key().equals(s.key)) {
        b.addRecords(WireRecords.toProto(r));
      }
    }
    send(s, Envelope.newBuilder().setPeerList(b).build());
  }

  // ------------------------------------------------------------------------------------------
  // Maintenance: bans, liveness, peer lists, dialling
  // ------------------------------------------------------------------------------------------

  private void maintainSafely() {
    try {
      maintain();
    } catch (RuntimeException ex) {
      // A scheduled task that throws is never run again; log and keep maintaining.
      LOG.error("P2P maintenance failed node={}", shortId, ex);
    }
  }

  private void maintain() {
    if (!running) {
      return;
    }
    reputation.expireBans();
    long now = time.nanos();
    long idle = config.idleTimeout().toNanos();
    long ping = config.pingInterval().toNanos();
    for (PeerSession s : sessions.values()) {
      writableOrDrop(s, now);
      if (now - s.lastReceivedNanos > idle) {
        disconnect(s, DisconnectReason.IDLE, "nothing received for " + config.idleTimeout(), true);
      } else if (now - s.lastPingSentNanos > ping && now - s.lastReceivedNanos > ping) {
        s.lastPingSentNanos = now;
        send(s, Envelope.newBuilder().setPing(Ping.newBuilder().setNonce(now)).build());
      }
    }
    if (now - lastPeerListPushNanos > config.peerListInterval().toNanos()) {
      lastPeerListPushNanos = now;
      for (PeerSession s : sessions.values()) {
        sendPeerList(s);
      }
    }
    dialMore(now);
  }

  private void dialMore(long now) {
    int want = config.targetPeers() - sessions.size() - dialing.size();
    if (want <= 0) {
      return;
    }
    PeerAddress self = localRecord.address();
    for (AddressBook.Candidate c :
        addressBook.candidates(
            now,
            k ->
                k.equals(localKey)
                    || sessions.containsKey(k)
                    || !membership.contains(k)
                    || denied.contains(k)
                    || reputation.isBanned(k))) {
      if (want <= 0) {
        break;
      }
      if (c.address().equals(self) || c.address().equals(listenAddress)) {
        continue;
      }
      if (!dialing.add(c.address())) {
        continue;
      }
      want--;
      LOG.debug(
          "Dialling node={} address={} expected={}",
          shortId,
          c.address(),
          c.expectedKey().map(P2PCore::shortKey).orElse("?"));
      transport.dial(c.address(), c.expectedKey());
    }
  }

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
    addressBook.addBootnode(address);
  }

  public void subscribe(Topic topic, GossipValidator validator, GossipHandler handler) {
    if (subscriptions.putIfAbsent(topic, new Subscription(validator, handler)) != null) {
      throw new IllegalStateException("topic already has a subscriber: " + topic);
    }
  }

  public MessageId publish(Topic topic, byte[] payload) {
    int max = config.maxFrameBytes() - P2PConfig.FRAME_OVERHEAD_BYTES;
    if (payload.length > max) {
      throw new IllegalArgumentException(
          "gossip payload of " + payload.length + " bytes exceeds " + max);
    }
    byte[] copy = payload.clone();
    MessageId id = MessageId.of(copy);
    seen.add(id);
    metrics.gossipPublished();
    relay(topic, id, copy, localKey);
    return id;
  }

  public CompletableFuture<BlocksResult> requestBlocks(PublicKey peer, long fromHeight, int count) {
    if (count < 1 || count > config.maxBlocksPerRequest() || fromHeight < 0) {
      return CompletableFuture.completedFuture(
          new BlocksResult.Failed(
              peer, "count must be 1.." + config.maxBlocksPerRequest() + " and height >= 0"));
    }
    PeerSession s = sessions.get(peer);
    if (s == null) {
      return CompletableFuture.completedFuture(new BlocksResult.Failed(peer, "not connected"));
    }
    return request(
            s,
            Request.newBuilder()
                .setBlocksByRange(
                    BlocksByRangeRequest.newBuilder().setFromHeight(fromHeight).setCount(count)))
        .thenApply(o -> blocksResult(o, fromHeight, count));
  }

  private BlocksResult blocksResult(RequestOutcome o, long fromHeight, int count) {
    if (o instanceof RequestOutcome.Failure f) {
      return new BlocksResult.Failed(f.peer(), f.reason());
    }
    Response r = ((RequestOutcome.Reply) o).response();
    PublicKey peer = o.peer();
    if (r.hasError()) {
      return new BlocksResult.Failed(
          peer,
          "peer answered "
              + r.getError().getCode()
              + ": "
              + LogText.printable(r.getError().getMessage()));
    }
    if (!r.hasBlocksByRange() || r.getBlocksByRange().getBlocksCount() > count) {
      penalize(peer, ReputationAdjustment.INVALID_RESPONSE);
      return new BlocksResult.Failed(peer, "invalid blocks response");
    }
    penalize(peer, ReputationAdjustment.USEFUL_RESPONSE);
    List<byte[]> payloads = new ArrayList<>(r.getBlocksByRange().getBlocksCount());
    for (ByteString b : r.getBlocksByRange().getBlocksList()) {
      payloads.add(b.toByteArray());
    }
    return new BlocksResult.Blocks(peer, fromHeight, payloads);
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

  static String shortKey(PublicKey key) {
    return key.toHex().substring(0, 8);
  }
}
