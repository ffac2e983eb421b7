package org.learnchain.p2p.core;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PublicKey;
import org.learnchain.p2p.BlobResult;
import org.learnchain.p2p.BlocksResult;
import org.learnchain.p2p.GossipHandler;
import org.learnchain.p2p.GossipValidator;
import org.learnchain.p2p.MessageId;
import org.learnchain.p2p.P2PNetwork;
import org.learnchain.p2p.PeerAddress;
import org.learnchain.p2p.PeerInfo;
import org.learnchain.p2p.Topic;
import org.learnchain.p2p.blob.BlobStore;

/** A {@link P2PNetwork} made of the shared {@link P2PCore} and a transport. */
public abstract class AbstractP2PNetwork implements P2PNetwork {
  protected final P2PCore core;
  private final Transport transport;

  protected AbstractP2PNetwork(P2PCore core, Transport transport) {
    this.core = core;
    this.transport = transport;
  }

  @Override
  public void start() {
    core.start(transport);
  }

  @Override
  public void stop() {
    core.stop();
  }

  @Override
  public PublicKey localKey() {
    return core.localKey();
  }

  @Override
  public PeerAddress listenAddress() {
    return core.listenAddress();
  }

  @Override
  public List<PeerInfo> peers() {
    return core.peers();
  }

  @Override
  public int score(PublicKey peer) {
    return core.score(peer);
  }

  @Override
  public boolean isBanned(PublicKey peer) {
    return core.isBanned(peer);
  }

  @Override
  public boolean deny(PublicKey peer) {
    return core.deny(peer);
  }

  @Override
  public boolean allow(PublicKey peer) {
    return core.allow(peer);
  }

  @Override
  public List<PublicKey> denied() {
    return core.denied();
  }

  @Override
  public void addBootnode(PeerAddress address) {
    core.addBootnode(address);
  }

  @Override
  public void subscribe(Topic topic, GossipValidator validator, GossipHandler handler) {
    core.subscribe(topic, validator, handler);
  }

  @Override
  public MessageId publish(Topic topic, byte[] payload) {
    return core.publish(topic, payload);
  }

  @Override
  public CompletableFuture<BlocksResult> requestBlocks(PublicKey peer, long fromHeight, int count) {
    return core.requestBlocks(peer, fromHeight, count);
  }

  @Override
  public CompletableFuture<BlobResult> fetchBlob(
      Hash contentHash, long maxBytes, List<PublicKey> preferredSources) {
    return core.fetchBlob(contentHash, maxBytes, preferredSources);
  }

  @Override
  public BlobStore blobStore() {
    return core.blobStore();
  }
}
