package org.learnchain.p2p.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.learnchain.p2p.TestSupport.fastConfig;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.ssl.OpenSsl;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
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

  @Test
  void tlsSessionNamesTheCipherSuiteAndTheLibraryThatRunsTheRecords() {
    List<PrivateKey> keys = keys(3);
    Membership members = membership(keys);
    Node a = start(fastConfig(0, List.of()).build(), keys.get(0), members);
    Node b = start(fastConfig(0, List.of(a.net().listenAddress())).build(), keys.get(1), members);
    awaitConnected(a, b);
    String s = ((NettyP2PNetwork) a.net()).tlsSession(b.key().publicKey()).orElseThrow();
    assertTrue(s.startsWith("TLSv1.3 TLS_"), s);
    String library = OpenSsl.isAvailable() ? OpenSsl.versionString() : "JDK";
    assertTrue(s.endsWith(" " + library), s);
    assertEquals(Optional.empty(), ((NettyP2PNetwork) a.net()).tlsSession(keys.get(2).publicKey()));

    // Forced onto the JDK provider, the same call says so.
    String before = System.getProperty(NettyTransport.PROVIDER_PROPERTY);
    Node c;
    try {
      System.setProperty(NettyTransport.PROVIDER_PROPERTY, "jdk");
      c = start(fastConfig(0, List.of(a.net().listenAddress())).build(), keys.get(2), members);
    } finally {
      if (before == null) {
        System.clearProperty(NettyTransport.PROVIDER_PROPERTY);
      } else {
        System.setProperty(NettyTransport.PROVIDER_PROPERTY, before);
      }
    }
    awaitConnected(a, c);
    String jdk = ((NettyP2PNetwork) c.net()).tlsSession(a.key().publicKey()).orElseThrow();
    assertTrue(jdk.startsWith("TLSv1.3 TLS_") && jdk.endsWith(" JDK"), jdk);
  }
}
