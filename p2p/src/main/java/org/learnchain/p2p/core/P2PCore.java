package org.learnchain.p2p.core;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.learnchain.proto.p2p.Envelope;
import org.learnchain.proto.p2p.Pong;
import org.learnchain.proto.p2p.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network above the transport, behind the {@code P2PNetwork} facade: lifecycle, the entry
 * points transports call, and inbound dispatch. The session table and admission are {@link
 * SessionTable}'s, reputation penalties and bans {@link PeerPenalties}', bounded sending {@link
 * Outbound}'s, gossip {@link GossipRelay}'s, request serving and outbound requests {@link
 * RequestRouter}'s, discovery and upkeep {@link Discovery}'s, blob transfer {@link BlobFetcher}'s
 * and {@link BlobServer}'s. Both transports drive the same core, so they behave alike.
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
  private final SessionTable sessions;
  private final PeerPenalties penalties;
  private final Outbound outbound;
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
    this.metrics = new P2PMetrics(registry, this::sessionCount);
    this.reputation = new Reputation(config.banThreshold(), config.banDuration(), time.nanoTime());
    this.addressBook = new AddressBook(config.reconnectBackoffMin(), config.reconnectBackoffMax());
    this.sessions =
        new SessionTable(
            config, localKey, membership, reputation, addressBook, metrics, time, () -> running);
    this.penalties = new PeerPenalties(config, shortId, reputation, sessions, metrics);
    this.outbound = new Outbound(config, sessions, metrics);
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

  private int sessionCount() {
    return sessions.size();
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
    for (PeerSession s : sessions.map().values()) {
      sessions.disconnect(s, DisconnectReason.SHUTDOWN, "node stopping", true);
    }
    transport.stop();
    for (PeerSession s : new ArrayList<>(sessions.map().values())) {
      sessions.closed(s, DisconnectReason.SHUTDOWN);
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
    return sessions.admit(peer, inbound);
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
    dialled.ifPresent(a -> discovery.dialSucceeded(a, c.remoteKey()));
    Optional<PeerSession> session = sessions.open(c);
    session.ifPresent(discovery::sendPeerList);
    return session;
  }

  /** The connection of {@code s} has ended (either side closed it). */
  public void closed(PeerSession s, DisconnectReason reason) {
    sessions.closed(s, reason);
  }

  /** The peer broke the protocol: penalise it and drop it. */
  public void violation(
      PeerSession s, ReputationAdjustment adjustment, DisconnectReason reason, String detail) {
    penalties.violation(s, adjustment, reason, detail);
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
        if (penalties.rateLimited(s, s.requests, 1)) {
          return;
        }
        outbound.send(
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
        sessions.disconnect(s, DisconnectReason.REMOTE_REQUESTED, "peer said goodbye", false);
      }
      case BODY_NOT_SET ->
          penalties.violation(
              s,
              ReputationAdjustment.MALFORMED_MESSAGE,
              DisconnectReason.MALFORMED_MESSAGE,
              "empty envelope");
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
    return sessions.peers();
  }

  public int score(PublicKey peer) {
    return reputation.score(peer);
  }

  public boolean isBanned(PublicKey peer) {
    return reputation.isBanned(peer);
  }

  public boolean deny(PublicKey peer) {
    return sessions.deny(peer);
  }

  public boolean allow(PublicKey peer) {
    return sessions.allow(peer);
  }

  public List<PublicKey> denied() {
    return sessions.denied();
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

  /** What protects the session with {@code peer} ({@link Connection#security}), if one is open. */
  public Optional<String> connectionSecurity(PublicKey peer) {
    return sessions.session(peer).map(s -> s.connection.security());
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
  // For the blob fetcher, gossip relay, request router and discovery
  // ------------------------------------------------------------------------------------------

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

  SessionTable sessions() {
    return sessions;
  }

  PeerPenalties penalties() {
    return penalties;
  }

  Outbound outbound() {
    return outbound;
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

  PeerAddress listenAddressOrNull() {
    return listenAddress;
  }

  static String shortKey(PublicKey key) {
    return key.toHex().substring(0, 8);
  }
}
