package org.learnchain.p2p.memory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.learnchain.crypto.PublicKey;
import org.learnchain.p2p.DisconnectReason;
import org.learnchain.p2p.P2PConfig;
import org.learnchain.p2p.PeerAddress;
import org.learnchain.p2p.core.HandshakeParams;
import org.learnchain.p2p.core.P2PCore;
import org.learnchain.p2p.core.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory transport: each node has one inbox thread on which everything addressed to it runs,
 * in order. The handshake is simulated with the same agreement and admission checks as the real one
 * (version, chain, genesis, expected key, membership, bans, room) but without cryptography: nodes
 * in one process cannot impersonate each other.
 */
final class InMemoryTransport implements Transport {
  private static final Logger LOG = LoggerFactory.getLogger(InMemoryTransport.class);

  private final InMemoryHub hub;
  private final P2PConfig config;
  private final Set<InMemoryConnection> connections = ConcurrentHashMap.newKeySet();
  private volatile P2PCore core;
  private volatile ExecutorService inbox;
  private volatile PeerAddress address;

  InMemoryTransport(InMemoryHub hub, P2PConfig config) {
    this.hub = hub;
    this.config = config;
  }

  P2PCore core() {
    return core;
  }

  Set<InMemoryConnection> connections() {
    return connections;
  }

  /** Runs {@code task} on this node's inbox; dropped once the node has stopped. */
  void execute(Runnable task) {
    try {
      inbox.execute(task);
    } catch (RejectedExecutionException e) {
      LOG.trace("Inbox closed, task dropped node={}", core.shortId());
    }
  }

  @Override
  public PeerAddress start(P2PCore core) throws IOException {
    this.core = core;
    this.inbox =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "p2p-inbox-" + core.shortId());
              t.setDaemon(true);
              return t;
            });
    address = hub.bind(this, config.listenHost(), config.listenPort());
    return address;
  }

  @Override
  public void dial(PeerAddress target, Optional<PublicKey> expectedKey) {
    try {
      inbox.execute(() -> connect(target, expectedKey));
    } catch (RejectedExecutionException e) {
      core.dialFailed(target, "transport stopped");
    }
  }

  private void connect(PeerAddress target, Optional<PublicKey> expectedKey) {
    Optional<InMemoryTransport> found = hub.lookup(target);
    if (found.isEmpty()) {
      core.dialFailed(target, "connection refused");
      return;
    }
    InMemoryTransport remote = found.get();
    P2PCore rc = remote.core;
    PeerAddress ourEnd = new PeerAddress(address.host(), hub.nextPort());
    HandshakeParams mine = core.handshakeParams();
    HandshakeParams theirs = rc.handshakeParams();
    Optional<DisconnectReason> mismatch =
        mine.protocolVersion() != theirs.protocolVersion()
            ? Optional.of(DisconnectReason.VERSION_MISMATCH)
            : !mine.chainId().equals(theirs.chainId())
                ? Optional.of(DisconnectReason.CHAIN_MISMATCH)
                : !mine.genesisHash().equals(theirs.genesisHash())
                    ? Optional.of(DisconnectReason.GENESIS_MISMATCH)
                    : Optional.empty();
    if (mismatch.isPresent()) {
      rc.handshakeFailed(ourEnd, Optional.empty(), mismatch.get(), "peer differs");
      core.handshakeFailed(target, Optional.of(target), mismatch.get(), "peer differs");
      return;
    }
    PublicKey remoteKey = rc.localKey();
    if (expectedKey.isPresent() && !expectedKey.get().equals(remoteKey)) {
      core.handshakeFailed(
          target, Optional.of(target), DisconnectReason.UNEXPECTED_KEY, "another key answered");
      return;
    }
    Optional<DisconnectReason> refusedThere = rc.admit(core.localKey(), true);
    if (refusedThere.isPresent()) {
      rc.handshakeFailed(ourEnd, Optional.empty(), refusedThere.get(), "simulated handshake");
      core.handshakeFailed(
          target,
          Optional.of(target),
          DisconnectReason.HANDSHAKE_FAILED,
          "peer refused: " + refusedThere.get().code());
      return;
    }
    Optional<DisconnectReason> refusedHere = core.admit(remoteKey, false);
    if (refusedHere.isPresent()) {
      core.handshakeFailed(target, Optional.of(target), refusedHere.get(), "simulated handshake");
      return;
    }
    InMemoryConnection near =
        new InMemoryConnection(this, remoteKey, true, target, config.maxQueuedBytesPerPeer());
    InMemoryConnection far =
        new InMemoryConnection(
            remote, core.localKey(), false, ourEnd, rc.config().maxQueuedBytesPerPeer());
    near.link(far);
    far.link(near);
    // The far end registers on its own inbox before anything we send can reach it there.
    remote.execute(() -> far.open(Optional.empty()));
    near.open(Optional.of(target));
  }

  @Override
  public void stop() {
    hub.unbind(address, this);
    for (InMemoryConnection c : new ArrayList<>(connections)) {
      c.close(DisconnectReason.SHUTDOWN);
    }
    inbox.shutdown();
    try {
      if (!inbox.awaitTermination(5, TimeUnit.SECONDS)) {
        inbox.shutdownNow();
      }
    } catch (InterruptedException e) {
      inbox.shutdownNow();
      Thread.currentThread().interrupt();
    }
    for (InMemoryConnection c : new ArrayList<>(connections)) {
      c.ended();
    }
  }
}
