package org.learnchain.p2p;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PublicKey;
import org.learnchain.p2p.blob.BlobStore;

/**
 * How a node talks to the other members: authenticated, encrypted sessions with members only;
 * gossip flooded with de-duplication and validation before relay; blocks by height range for sync;
 * content-addressed blobs in verified chunks.
 *
 * <p>Payloads are opaque: the modules that own blocks, transactions and consensus messages encode
 * them; p2p carries bytes with a {@link Topic} and a {@link MessageId}.
 *
 * <p>Two implementations share one core and one behaviour: {@code NettyP2PNetwork} (TCP) and {@code
 * InMemoryP2PNetwork} (an in-process hub, for tests and simulations).
 *
 * <p>Futures returned here always complete normally, with a result value that says whether the
 * operation worked; they complete on p2p threads, so callers must not block in their callbacks.
 */
public interface P2PNetwork extends AutoCloseable {

  /**
   * Binds the listener, then starts connecting to bootnodes and discovered members.
   *
   * @throws P2PException when the listener cannot be bound or the network was already started
   */
  void start();

  /** Disconnects every peer, stops listening and releases the threads. Idempotent. */
  void stop();

  @Override
  default void close() {
    stop();
  }

  /** This node's member key. */
  PublicKey localKey();

  /** The bound listen address (the real port when configured with port 0); after {@link #start}. */
  PeerAddress listenAddress();

  /** The authenticated peers connected now. */
  List<PeerInfo> peers();

  /** Current reputation score of a member (0 when never adjusted). */
  int score(PublicKey peer);

  /** True while the member is banned (its score fell to the ban threshold and the ban runs). */
  boolean isBanned(PublicKey peer);

  /**
   * Puts a member on the operator's deny list: its session, if any, is dropped now, and it is
   * neither dialled nor admitted until {@link #allow} takes it off. The list lives in memory only
   * (a restart clears it), like a firewall rule an operator applies while investigating a peer.
   *
   * @return true if the key was not denied already
   */
  boolean deny(PublicKey peer);

  /**
   * Takes a member off the deny list; it is dialled again at the next maintenance tick.
   *
   * @return true if the key was denied
   */
  boolean allow(PublicKey peer);

  /** The keys on the deny list now, sorted. */
  List<PublicKey> denied();

  /** Adds an address to dial, like a bootnode given at start. */
  void addBootnode(PeerAddress address);

  /**
   * Registers the one validator and handler of a topic. Messages on topics nobody subscribed to are
   * neither delivered nor relayed.
   *
   * @throws IllegalStateException if the topic already has a subscriber
   */
  void subscribe(Topic topic, GossipValidator validator, GossipHandler handler);

  /**
   * Floods {@code payload} to every peer. The local node does not deliver it to its own subscriber
   * and marks it seen, so echoes from peers are dropped.
   *
   * @return the message id (SHA-256 of the payload)
   */
  MessageId publish(Topic topic, byte[] payload);

  /**
   * Asks {@code peer} for up to {@code count} blocks from {@code fromHeight} on (served by the
   * peer's {@link BlockSource}).
   */
  CompletableFuture<BlocksResult> requestBlocks(PublicKey peer, long fromHeight, int count);

  /**
   * Fetches a blob by content hash into {@link #blobStore()}, in chunks, from any peer that has it,
   * switching peers when one fails or sends a bad chunk, and verifying every chunk and the whole.
   * Completes at once when the store already holds it.
   *
   * @param maxBytes the largest blob the caller accepts (capped by the configured maximum)
   */
  default CompletableFuture<BlobResult> fetchBlob(Hash contentHash, long maxBytes) {
    return fetchBlob(contentHash, maxBytes, List.of());
  }

  /** As {@link #fetchBlob(Hash, long)}, trying {@code preferredSources} first, in that order. */
  CompletableFuture<BlobResult> fetchBlob(
      Hash contentHash, long maxBytes, List<PublicKey> preferredSources);

  /** The store blobs are served from and fetched into. */
  BlobStore blobStore();
}
