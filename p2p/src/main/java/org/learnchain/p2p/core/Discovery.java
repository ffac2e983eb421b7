package org.learnchain.p2p.core;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.crypto.SigningDomain;
import org.learnchain.p2p.DisconnectReason;
import org.learnchain.p2p.P2PConfig;
import org.learnchain.p2p.PeerAddress;
import org.learnchain.p2p.ReputationAdjustment;
import org.learnchain.proto.p2p.Envelope;
import org.learnchain.proto.p2p.PeerList;
import org.learnchain.proto.p2p.Ping;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discovery and upkeep: signed peer records exchanged in peer lists, the address book, dialling
 * members until the node has its target number of peers, and the periodic maintenance (bans expire,
 * idle peers are pinged or dropped, peer lists pushed).
 */
final class Discovery {
  private static final Logger LOG = LoggerFactory.getLogger(Discovery.class);

  private final P2PCore core;
  private final P2PConfig config;
  private final P2PMetrics metrics;
  private final PublicKey localKey;
  private final String shortId;
  private final SigningDomain recordDomain;
  private final Set<PeerAddress> dialing = ConcurrentHashMap.newKeySet();
  private volatile PeerRecord localRecord;
  private volatile long lastPeerListPushNanos;

  Discovery(P2PCore core) {
    this.core = core;
    this.config = core.config();
    this.metrics = core.metrics();
    this.localKey = core.localKey();
    this.shortId = core.shortId();
    this.recordDomain = SigningDomain.of(config.chainId(), MessageType.PEER_RECORD);
  }

  /** Signs this node's record for the address it listens on; maintenance starts now. */
  void started(PrivateKey nodeKey, PeerAddress bound) {
    localRecord =
        PeerRecord.sign(
            nodeKey,
            recordDomain,
            new PeerAddress(config.advertisedHost(), bound.port()),
            core.time().millis());
    config.bootnodes().forEach(core.addressBook()::addBootnode);
    lastPeerListPushNanos = core.time().nanos();
  }

  /** An outbound connection to {@code address} became a session with {@code key}. */
  void dialSucceeded(PeerAddress address, PublicKey key) {
    dialing.remove(address);
    core.addressBook().dialSucceeded(address, key, core.time().nanos());
  }

  /** Most peer records in one peer list (members are far fewer in a permissioned chain). */
  static final int MAX_PEER_RECORDS = 256;

  void onPeerList(PeerSession s, PeerList list) {
    if (core.penalties().rateLimited(s, s.requests, 1)) {
      return;
    }
    if (list.getRecordsCount() > MAX_PEER_RECORDS) {
      core.penalties()
          .violation(
              s,
              ReputationAdjustment.MALFORMED_MESSAGE,
              DisconnectReason.MALFORMED_MESSAGE,
              "peer list of " + list.getRecordsCount() + " records");
      return;
    }
    boolean learned = false;
    for (org.learnchain.proto.p2p.PeerRecord p : list.getRecordsList()) {
      Optional<PeerRecord> r = WireRecords.parse(p);
      if (r.isEmpty()
          || !core.membership().contains(r.get().key())
          || !r.get().verify(recordDomain)) {
        core.penalties().penalize(s.key, ReputationAdjustment.INVALID_PEER_RECORD);
        continue;
      }
      if (r.get().key().equals(localKey)) {
        continue;
      }
      learned |= core.addressBook().update(r.get());
    }
    if (learned && core.sessions().map().size() < config.targetPeers()) {
      try {
        core.scheduler().execute(this::maintainSafely);
      } catch (RejectedExecutionException ex) {
        LOG.debug("Maintenance not scheduled, network stopping");
      }
    }
  }

  void sendPeerList(PeerSession s) {
    PeerList.Builder b = PeerList.newBuilder();
    PeerRecord own = localRecord;
    if (own != null) {
      b.addRecords(WireRecords.toProto(own));
    }
    for (PeerRecord r : core.addressBook().records()) {
      if (b.getRecordsCount() >= MAX_PEER_RECORDS) {
        break;
      }
      if (!r.key().equals(s.key)) {
        b.addRecords(WireRecords.toProto(r));
      }
    }
    core.outbound().send(s, Envelope.newBuilder().setPeerList(b).build());
  }

  void maintainSafely() {
    try {
      maintain();
    } catch (RuntimeException ex) {
      // A scheduled task that throws is never run again; log and keep maintaining.
      LOG.error("P2P maintenance failed node={}", shortId, ex);
    }
  }

  private void maintain() {
    if (!core.isRunning()) {
      return;
    }
    core.reputation().expireBans();
    long now = core.time().nanos();
    long idle = config.idleTimeout().toNanos();
    long ping = config.pingInterval().toNanos();
    for (PeerSession s : core.sessions().map().values()) {
      core.outbound().writableOrDrop(s, now);
      if (now - s.lastReceivedNanos > idle) {
        core.sessions()
            .disconnect(
                s, DisconnectReason.IDLE, "nothing received for " + config.idleTimeout(), true);
      } else if (now - s.lastPingSentNanos > ping && now - s.lastReceivedNanos > ping) {
        s.lastPingSentNanos = now;
        core.outbound()
            .send(s, Envelope.newBuilder().setPing(Ping.newBuilder().setNonce(now)).build());
      }
    }
    if (now - lastPeerListPushNanos > config.peerListInterval().toNanos()) {
      lastPeerListPushNanos = now;
      for (PeerSession s : core.sessions().map().values()) {
        sendPeerList(s);
      }
    }
    dialMore(now);
  }

  private void dialMore(long now) {
    int want = config.targetPeers() - core.sessions().map().size() - dialing.size();
    if (want <= 0) {
      return;
    }
    PeerAddress self = localRecord.address();
    for (AddressBook.Candidate c :
        core.addressBook()
            .candidates(
                now,
                k ->
                    k.equals(localKey)
                        || core.sessions().map().containsKey(k)
                        || !core.membership().contains(k)
                        || core.sessions().isDenied(k)
                        || core.reputation().isBanned(k))) {
      if (want <= 0) {
        break;
      }
      if (c.address().equals(self) || c.address().equals(core.listenAddressOrNull())) {
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
      core.transport().dial(c.address(), c.expectedKey());
    }
  }

  /** An outbound connection attempt did not reach the handshake, or the handshake failed. */
  void dialFailed(PeerAddress address, String detail) {
    dialing.remove(address);
    long delay = core.addressBook().dialFailed(address, core.time().nanos());
    LOG.debug(
        "Dial failed address={} reason={} retryInMs={}",
        address,
        detail,
        TimeUnit.NANOSECONDS.toMillis(delay));
  }

  void addBootnode(PeerAddress address) {
    core.addressBook().addBootnode(address);
  }
}
