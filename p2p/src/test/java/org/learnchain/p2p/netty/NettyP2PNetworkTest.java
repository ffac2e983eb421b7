package org.learnchain.p2p.netty;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.p2p.BlockSource;
import org.learnchain.p2p.Membership;
import org.learnchain.p2p.P2PConfig;
import org.learnchain.p2p.P2PNetwork;
import org.learnchain.p2p.P2PNetworkContractTest;
import org.learnchain.p2p.blob.BlobStore;

/** The shared behaviour over real TCP sockets on 127.0.0.1. */
class NettyP2PNetworkTest extends P2PNetworkContractTest {
  @Override
  protected P2PNetwork create(
      P2PConfig config,
      PrivateKey key,
      Membership membership,
      BlockSource blocks,
      BlobStore store,
      SimpleMeterRegistry registry) {
    return new NettyP2PNetwork(config, key, membership, blocks, store, registry);
  }
}
