package org.learnchain.p2p.netty;

import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.util.Optional;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.p2p.BlockSource;
import org.learnchain.p2p.Membership;
import org.learnchain.p2p.P2PConfig;
import org.learnchain.p2p.blob.BlobStore;
import org.learnchain.p2p.core.AbstractP2PNetwork;
import org.learnchain.p2p.core.P2PCore;
import org.learnchain.p2p.core.TimeSource;

/** The production network: TLS 1.3 over TCP through Netty, sessions with members only. */
public final class NettyP2PNetwork extends AbstractP2PNetwork {

  public NettyP2PNetwork(
      P2PConfig config,
      PrivateKey nodeKey,
      Membership membership,
      BlockSource blockSource,
      BlobStore blobStore,
      MeterRegistry registry) {
    this(config, nodeKey, membership, blockSource, blobStore, registry, TimeSource.system());
  }

  public NettyP2PNetwork(
      P2PConfig config,
      PrivateKey nodeKey,
      Membership membership,
      BlockSource blockSource,
      BlobStore blobStore,
      MeterRegistry registry,
      TimeSource time) {
    super(
        new P2PCore(config, nodeKey, membership, blockSource, blobStore, registry, time),
        new NettyTransport(config, new SecureRandom()));
  }

  /**
   * The TLS protocol, cipher suite and library of the open session with {@code peer}, read from the
   * live engine (so a benchmark can show what really encrypted its bytes).
   */
  public Optional<String> tlsSession(PublicKey peer) {
    return core.connectionSecurity(peer);
  }
}
