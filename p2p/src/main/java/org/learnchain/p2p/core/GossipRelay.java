package org.learnchain.p2p.core;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PublicKey;
import org.learnchain.p2p.DisconnectReason;
import org.learnchain.p2p.GossipHandler;
import org.learnchain.p2p.GossipMessage;
import org.learnchain.p2p.GossipValidator;
import org.learnchain.p2p.MessageId;
import org.learnchain.p2p.P2PConfig;
import org.learnchain.p2p.ReputationAdjustment;
import org.learnchain.p2p.Topic;
import org.learnchain.p2p.ValidationResult;
import org.learnchain.proto.p2p.Envelope;
import org.learnchain.proto.p2p.Gossip;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gossip: accepting a peer's message (rate limits, id check, de-duplication), validating it on a
 * gossip thread (a separate one for the config's bulk topics, so a flood of them never delays a
 * block) and relaying it to every other peer; publishing this node's own messages.
 */
final class GossipRelay {
  private static final Logger LOG = LoggerFactory.getLogger(GossipRelay.class);

  private final P2PCore core;
  private final P2PConfig config;
  private final P2PMetrics metrics;
  private final PublicKey localKey;
  private final String shortId;
  private final SeenCache seen;
  private final ConcurrentHashMap<Topic, Subscription> subscriptions = new ConcurrentHashMap<>();
  private final ThreadPoolExecutor gossipExecutor;
  private final ThreadPoolExecutor bulkGossipExecutor;

  GossipRelay(P2PCore core) {
    this.core = core;
    this.config = core.config();
    this.metrics = core.metrics();
    this.localKey = core.localKey();
    this.shortId = core.shortId();
    this.seen = new SeenCache(config.seenCacheSize());
    this.gossipExecutor =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(config.gossipQueueCapacity()),
            P2PCore.threads("p2p-gossip-" + shortId));
    this.bulkGossipExecutor =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(config.gossipQueueCapacity()),
            P2PCore.threads("p2p-gossip-bulk-" + shortId));
  }

  void shutdown() {
    gossipExecutor.shutdownNow();
    bulkGossipExecutor.shutdownNow();
  }

  record Subscription(GossipValidator validator, GossipHandler handler) {}

  void onGossip(PeerSession s, Gossip g) {
    if (core.penalties().rateLimited(s, s.gossipMessages, 1)) {
      metrics.gossip("rate_limited");
      return;
    }
    if (core.penalties().rateLimited(s, s.gossipBytes, g.getPayload().size())) {
      metrics.gossip("rate_limited");
      return;
    }
    if (!Topic.valid(g.getTopic()) || g.getMessageId().size() != Hash.LENGTH) {
      core.penalties()
          .violation(
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
      core.penalties().penalize(s.key, ReputationAdjustment.INVALID_MESSAGE_ID);
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
        LOG.debug(
            "Gossip rejected topic={} id={} from={}",
            m.topic(),
            m.id(),
            P2PCore.shortKey(m.from()));
        core.penalties().penalize(m.from(), ReputationAdjustment.REJECTED_GOSSIP);
      }
    }
  }

  /** Sends a gossip message to every peer but {@code except}; slow peers miss it. */
  void relay(Topic topic, MessageId id, byte[] payload, PublicKey except) {
    byte[] bytes =
        Envelope.newBuilder()
            .setGossip(
                Gossip.newBuilder()
                    .setTopic(topic.name())
                    .setMessageId(ByteString.copyFrom(id.hash().toArray()))
                    .setPayload(UnsafeByteOperations.unsafeWrap(payload)))
            .build()
            .toByteArray();
    for (PeerSession s : core.sessions().map().values()) {
      if (s.key.equals(except) || s.closing.get()) {
        continue;
      }
      if (!core.outbound().writableOrDrop(s, core.time().nanos())) {
        metrics.messageDropped("peer_not_writable");
        continue;
      }
      core.outbound().sendBytes(s, bytes);
    }
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
}
