package org.learnchain.p2p.memory;

import io.micrometer.core.instrument.MeterRegistry;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.p2p.BlockSource;
import org.learnchain.p2p.Membership;
import org.learnchain.p2p.P2PConfig;
import org.learnchain.p2p.blob.BlobStore;
import org.learnchain.p2p.core.AbstractP2PNetwork;
import org.learnchain.p2p.core.P2PCore;
import org.learnchain.p2p.core.TimeSource;

/**
 * The in-process twin of {@code NettyP2PNetwork}: the same core (gossip, requests, blobs,
 * discovery, reputation, limits) over an {@link InMemoryHub} instead of sockets. For tests and
 * simulations of many nodes in one JVM.
 */
public final class InMemoryP2PNetwork extends AbstractP2PNetwork {

  public InMemoryP2PNetwork(
      InMemoryHub hub,
      P2PConfig config,
      PrivateKey nodeKey,
      Membership membership,
      BlockSource blockSource,
      BlobStore blobStore,
      MeterRegistry registry) {
    this(hub, config, nodeKey, membership, blockSource, blobStore, registry, TimeSource.system());
  }

  public InMemoryP2PNetwork(
      InMemoryHub hub,
      P2PConfig config,
      PrivateKey nodeKey,
      Membership membership,
      BlockSource blockSource,
      BlobStore blobStore,
      MeterRegistry registry,
      TimeSource time) {
    super(
        new P2PCore(config, nodeKey, membership, blockSource, blobStore, registry, time),
        new InMemoryTransport(hub, config));
  }
}
