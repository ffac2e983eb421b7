package org.learnchain.p2p;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.learnchain.crypto.Hash;

/**
 * Everything the network needs besides its key, its members and its data sources. Build with {@link
 * #builder(String, Hash)}; the defaults suit a production node, tests shorten the timers.
 *
 * @param chainId checked in the handshake and bound into every signature
 * @param protocolVersion peers must speak exactly this version
 * @param genesisHash checked in the handshake: same chain id but another genesis is another chain
 * @param listenHost interface to bind ({@code 127.0.0.1} by default)
 * @param listenPort 0 picks a free port
 * @param advertisedHost the host put in this node's signed peer record
 * @param bootnodes addresses dialled at start and whenever the node has too few peers
 * @param targetPeers the node dials discovered members until it has this many peers
 * @param maxPeers inbound sessions beyond this are refused
 * @param maxPendingHandshakes connections still handshaking beyond this are closed at once
 * @param maxFrameBytes largest frame plaintext accepted or sent (checked on the length prefix)
 * @param handshakeTimeout a connection not authenticated within this is dropped
 * @param requestTimeout a request not answered within this fails
 * @param pingInterval how often an idle session is pinged
 * @param idleTimeout a session that sent nothing for this long is dropped
 * @param maintenanceInterval how often bans expire, idle sessions close and dials happen
 * @param peerListInterval how often peer lists are pushed to every peer
 * @param reconnectBackoffMin first delay before re-dialling an address that failed
 * @param reconnectBackoffMax the delay doubles per failure up to this
 * @param maxQueuedBytesPerPeer outbound bytes waiting for one peer beyond which it is dropped
 * @param slowPeerGrace a peer whose outbound buffer stays above the high-water mark this long is
 *     dropped (meanwhile gossip for it is skipped)
 * @param gossipRate inbound gossip messages per peer
 * @param gossipBytesRate inbound gossip payload bytes per peer
 * @param requestRate inbound requests per peer
 * @param maxInboundRequestsPerPeer requests of one peer being served at once
 * @param maxOutboundRequestsPerPeer our requests to one peer awaiting answers at once
 * @param seenCacheSize message ids remembered for de-duplication
 * @param gossipQueueCapacity messages waiting for validation beyond which new ones are dropped
 * @param banThreshold a score at or below this bans the peer
 * @param banDuration how long a ban lasts
 * @param blobChunkBytes chunk size this node serves blobs in
 * @param maxBlobBytes largest blob this node fetches
 * @param blobWindow chunk requests in flight per blob fetch
 * @param maxBlocksPerRequest most blocks served or asked for in one request
 * @param ioThreads Netty event-loop threads
 * @param bulkTopics topics validated on their own thread, behind which nothing else waits: high
 *     volume that can wait (transactions), so blocks and consensus messages are not queued behind
 *     it when the CPU is short
 */
public record P2PConfig(
    String chainId,
    int protocolVersion,
    Hash genesisHash,
    String listenHost,
    int listenPort,
    String advertisedHost,
    List<PeerAddress> bootnodes,
    int targetPeers,
    int maxPeers,
    int maxPendingHandshakes,
    int maxFrameBytes,
    Duration handshakeTimeout,
    Duration requestTimeout,
    Duration pingInterval,
    Duration idleTimeout,
    Duration maintenanceInterval,
    Duration peerListInterval,
    Duration reconnectBackoffMin,
    Duration reconnectBackoffMax,
    long maxQueuedBytesPerPeer,
    Duration slowPeerGrace,
    RateLimit gossipRate,
    RateLimit gossipBytesRate,
    RateLimit requestRate,
    int maxInboundRequestsPerPeer,
    int maxOutboundRequestsPerPeer,
    int seenCacheSize,
    int gossipQueueCapacity,
    int banThreshold,
    Duration banDuration,
    int blobChunkBytes,
    long maxBlobBytes,
    int blobWindow,
    int maxBlocksPerRequest,
    int ioThreads,
    Set<Topic> bulkTopics) {

  /**
   * The p2p protocol version, named in every certificate's endorsement and in the acceptor's hello;
   * peers of another version are refused in the handshake ({@code version_mismatch}). 2: blob
   * manifests carry prefix hashes (docs/protocol.md, section 8), which version 1 nodes refuse.
   */
  public static final int PROTOCOL_VERSION = 2;

  /** Room left in a frame for the envelope around a blob chunk or a list of blocks. */
  public static final int FRAME_OVERHEAD_BYTES = 1024;

  public P2PConfig {
    Objects.requireNonNull(chainId, "chainId");
    Objects.requireNonNull(genesisHash, "genesisHash");
    Objects.requireNonNull(listenHost, "listenHost");
    Objects.requireNonNull(advertisedHost, "advertisedHost");
    bootnodes = List.copyOf(bootnodes);
    bulkTopics = Set.copyOf(bulkTopics);
    require(!chainId.isEmpty() && chainId.length() <= 64, "chainId must be 1..64 characters");
    require(listenPort >= 0 && listenPort <= 65535, "listenPort must be 0..65535");
    require(targetPeers >= 0, "targetPeers must be >= 0");
    require(maxPeers >= 1 && maxPeers >= targetPeers, "maxPeers must be >= max(1, targetPeers)");
    require(maxPendingHandshakes >= 1, "maxPendingHandshakes must be >= 1");
    require(
        maxFrameBytes >= 64 * 1024 && maxFrameBytes <= 16 * 1024 * 1024,
        "maxFrameBytes must be 64 KiB..16 MiB");
    for (Duration d :
        List.of(
            handshakeTimeout,
            requestTimeout,
            pingInterval,
            idleTimeout,
            maintenanceInterval,
            peerListInterval,
            reconnectBackoffMin,
            reconnectBackoffMax,
            slowPeerGrace,
            banDuration)) {
      require(d != null && !d.isNegative() && !d.isZero(), "durations must be positive");
    }
    require(
        reconnectBackoffMax.compareTo(reconnectBackoffMin) >= 0,
        "reconnectBackoffMax must be >= reconnectBackoffMin");
    require(idleTimeout.compareTo(pingInterval) > 0, "idleTimeout must exceed pingInterval");
    Objects.requireNonNull(gossipRate, "gossipRate");
    Objects.requireNonNull(gossipBytesRate, "gossipBytesRate");
    Objects.requireNonNull(requestRate, "requestRate");
    require(
        gossipBytesRate.burst() >= maxFrameBytes,
        "gossipBytesRate burst must allow one full frame");
    require(maxInboundRequestsPerPeer >= 1, "maxInboundRequestsPerPeer must be >= 1");
    require(maxOutboundRequestsPerPeer >= 1, "maxOutboundRequestsPerPeer must be >= 1");
    require(seenCacheSize >= 16, "seenCacheSize must be >= 16");
    require(gossipQueueCapacity >= 1, "gossipQueueCapacity must be >= 1");
    require(banThreshold < 0, "banThreshold must be negative");
    require(
        blobChunkBytes >= 1024 && blobChunkBytes <= maxFrameBytes - FRAME_OVERHEAD_BYTES,
        "blobChunkBytes must be 1 KiB..maxFrameBytes-1KiB");
    require(maxBlobBytes >= 0, "maxBlobBytes must be >= 0");
    require(
        blobWindow >= 1 && blobWindow <= maxOutboundRequestsPerPeer,
        "blobWindow must be 1..maxOutboundRequestsPerPeer");
    require(
        maxQueuedBytesPerPeer >= 2L * maxFrameBytes,
        "maxQueuedBytesPerPeer must hold at least two full frames");
    require(maxBlocksPerRequest >= 1, "maxBlocksPerRequest must be >= 1");
    require(ioThreads >= 1, "ioThreads must be >= 1");
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException("invalid p2p config: " + message);
    }
  }

  public static Builder builder(String chainId, Hash genesisHash) {
    return new Builder(chainId, genesisHash);
  }

  /** A builder starting from this config. */
  public Builder toBuilder() {
    Builder b = new Builder(chainId, genesisHash);
    b.protocolVersion = protocolVersion;
    b.listenHost = listenHost;
    b.listenPort = listenPort;
    b.advertisedHost = advertisedHost;
    b.bootnodes = new ArrayList<>(bootnodes);
    b.targetPeers = targetPeers;
    b.maxPeers = maxPeers;
    b.maxPendingHandshakes = maxPendingHandshakes;
    b.maxFrameBytes = maxFrameBytes;
    b.handshakeTimeout = handshakeTimeout;
    b.requestTimeout = requestTimeout;
    b.pingInterval = pingInterval;
    b.idleTimeout = idleTimeout;
    b.maintenanceInterval = maintenanceInterval;
    b.peerListInterval = peerListInterval;
    b.reconnectBackoffMin = reconnectBackoffMin;
    b.reconnectBackoffMax = reconnectBackoffMax;
    b.maxQueuedBytesPerPeer = maxQueuedBytesPerPeer;
    b.slowPeerGrace = slowPeerGrace;
    b.gossipRate = gossipRate;
    b.gossipBytesRate = gossipBytesRate;
    b.requestRate = requestRate;
    b.maxInboundRequestsPerPeer = maxInboundRequestsPerPeer;
    b.maxOutboundRequestsPerPeer = maxOutboundRequestsPerPeer;
    b.seenCacheSize = seenCacheSize;
    b.gossipQueueCapacity = gossipQueueCapacity;
    b.banThreshold = banThreshold;
    b.banDuration = banDuration;
    b.blobChunkBytes = blobChunkBytes;
    b.maxBlobBytes = maxBlobBytes;
    b.blobWindow = blobWindow;
    b.maxBlocksPerRequest = maxBlocksPerRequest;
    b.ioThreads = ioThreads;
    b.bulkTopics = bulkTopics;
    return b;
  }

  /** Mutable builder; {@link #build()} validates. */
  public static final class Builder {
    private final String chainId;
    private final Hash genesisHash;
    private int protocolVersion = PROTOCOL_VERSION;
    private String listenHost = "127.0.0.1";
    private int listenPort = 0;
    private String advertisedHost;
    private List<PeerAddress> bootnodes = new ArrayList<>();
    private int targetPeers = 8;
    private int maxPeers = 25;
    private int maxPendingHandshakes = 64;
    private int maxFrameBytes = 4 * 1024 * 1024;
    private Duration handshakeTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Duration pingInterval = Duration.ofSeconds(15);
    private Duration idleTimeout = Duration.ofSeconds(45);
    private Duration maintenanceInterval = Duration.ofSeconds(1);
    private Duration peerListInterval = Duration.ofSeconds(30);
    private Duration reconnectBackoffMin = Duration.ofMillis(500);
    private Duration reconnectBackoffMax = Duration.ofSeconds(60);
    private long maxQueuedBytesPerPeer = 32L * 1024 * 1024;
    private Duration slowPeerGrace = Duration.ofSeconds(10);
    private RateLimit gossipRate = new RateLimit(1000, 2000);
    private RateLimit gossipBytesRate = new RateLimit(32.0 * 1024 * 1024, 64.0 * 1024 * 1024);
    private RateLimit requestRate = new RateLimit(2000, 500);
    private int maxInboundRequestsPerPeer = 32;
    private int maxOutboundRequestsPerPeer = 64;
    private int seenCacheSize = 100_000;
    private int gossipQueueCapacity = 10_000;
    private int banThreshold = -100;
    private Duration banDuration = Duration.ofMinutes(10);
    private int blobChunkBytes = 256 * 1024;
    private long maxBlobBytes = 256L * 1024 * 1024;
    private int blobWindow = 16;
    private int maxBlocksPerRequest = 64;
    private int ioThreads = 2;
    private Set<Topic> bulkTopics = Set.of();

    private Builder(String chainId, Hash genesisHash) {
      this.chainId = chainId;
      this.genesisHash = genesisHash;
    }

    public Builder protocolVersion(int v) {
      protocolVersion = v;
      return this;
    }

    public Builder listen(String host, int port) {
      listenHost = host;
      listenPort = port;
      return this;
    }

    public Builder advertisedHost(String host) {
      advertisedHost = host;
      return this;
    }

    public Builder bootnodes(List<PeerAddress> addresses) {
      bootnodes = new ArrayList<>(addresses);
      return this;
    }

    public Builder targetPeers(int n) {
      targetPeers = n;
      return this;
    }

    public Builder maxPeers(int n) {
      maxPeers = n;
      return this;
    }

    public Builder maxPendingHandshakes(int n) {
      maxPendingHandshakes = n;
      return this;
    }

    public Builder maxFrameBytes(int n) {
      maxFrameBytes = n;
      return this;
    }

    public Builder handshakeTimeout(Duration d) {
      handshakeTimeout = d;
      return this;
    }

    public Builder requestTimeout(Duration d) {
      requestTimeout = d;
      return this;
    }

    public Builder pingInterval(Duration d) {
      pingInterval = d;
      return this;
    }

    public Builder idleTimeout(Duration d) {
      idleTimeout = d;
      return this;
    }

    public Builder maintenanceInterval(Duration d) {
      maintenanceInterval = d;
      return this;
    }

    public Builder peerListInterval(Duration d) {
      peerListInterval = d;
      return this;
    }

    public Builder reconnectBackoff(Duration min, Duration max) {
      reconnectBackoffMin = min;
      reconnectBackoffMax = max;
      return this;
    }

    public Builder maxQueuedBytesPerPeer(long n) {
      maxQueuedBytesPerPeer = n;
      return this;
    }

    public Builder slowPeerGrace(Duration d) {
      slowPeerGrace = d;
      return this;
    }

    public Builder gossipRate(RateLimit r) {
      gossipRate = r;
      return this;
    }

    public Builder gossipBytesRate(RateLimit r) {
      gossipBytesRate = r;
      return this;
    }

    public Builder requestRate(RateLimit r) {
      requestRate = r;
      return this;
    }

    public Builder maxInboundRequestsPerPeer(int n) {
      maxInboundRequestsPerPeer = n;
      return this;
    }

    public Builder maxOutboundRequestsPerPeer(int n) {
      maxOutboundRequestsPerPeer = n;
      return this;
    }

    public Builder seenCacheSize(int n) {
      seenCacheSize = n;
      return this;
    }

    public Builder bulkTopics(Set<Topic> topics) {
      bulkTopics = topics;
      return this;
    }

    public Builder gossipQueueCapacity(int n) {
      gossipQueueCapacity = n;
      return this;
    }

    public Builder ban(int threshold, Duration duration) {
      banThreshold = threshold;
      banDuration = duration;
      return this;
    }

    public Builder blobChunkBytes(int n) {
      blobChunkBytes = n;
      return this;
    }

    public Builder maxBlobBytes(long n) {
      maxBlobBytes = n;
      return this;
    }

    public Builder blobWindow(int n) {
      blobWindow = n;
      return this;
    }

    public Builder maxBlocksPerRequest(int n) {
      maxBlocksPerRequest = n;
      return this;
    }

    public Builder ioThreads(int n) {
      ioThreads = n;
      return this;
    }

    public P2PConfig build() {
      return new P2PConfig(
          chainId,
          protocolVersion,
          genesisHash,
          listenHost,
          listenPort,
          advertisedHost != null ? advertisedHost : listenHost,
          bootnodes,
          targetPeers,
          maxPeers,
          maxPendingHandshakes,
          maxFrameBytes,
          handshakeTimeout,
          requestTimeout,
          pingInterval,
          idleTimeout,
          maintenanceInterval,
          peerListInterval,
          reconnectBackoffMin,
          reconnectBackoffMax,
          maxQueuedBytesPerPeer,
          slowPeerGrace,
          gossipRate,
          gossipBytesRate,
          requestRate,
          maxInboundRequestsPerPeer,
          maxOutboundRequestsPerPeer,
          seenCacheSize,
          gossipQueueCapacity,
          banThreshold,
          banDuration,
          blobChunkBytes,
          maxBlobBytes,
          blobWindow,
          maxBlocksPerRequest,
          ioThreads,
          bulkTopics);
    }
  }
}
