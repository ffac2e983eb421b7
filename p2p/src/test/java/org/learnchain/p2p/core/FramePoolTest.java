package org.learnchain.p2p.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.learnchain.p2p.TestSupport.fastConfig;
import static org.learnchain.p2p.TestSupport.key;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.p2p.Await;
import org.learnchain.p2p.BlobResult;
import org.learnchain.p2p.BlockSource;
import org.learnchain.p2p.Membership;
import org.learnchain.p2p.P2PConfig;
import org.learnchain.p2p.TestSupport;
import org.learnchain.p2p.blob.InMemoryBlobStore;
import org.learnchain.p2p.netty.NettyP2PNetwork;

/** The frame pool: its rules, and that blob transfers over real sockets recycle through it. */
class FramePoolTest {
  private final List<NettyP2PNetwork> started = new ArrayList<>();

  @AfterEach
  void stop() {
    started.forEach(NettyP2PNetwork::stop);
  }

  @Test
  void poolHandsOutItsOwnSizeLastInFirstOutAndKeepsABoundedStock() {
    ByteArrayPool pool = new ByteArrayPool(1000, 2);
    assertTrue(pool.suits(1000) && pool.suits(500));
    assertFalse(pool.suits(1001) || pool.suits(499));
    assertEquals(1001, pool.take(1001).length, "too large: an array of its own");
    assertEquals(10, pool.take(10).length, "too small to be worth a pooled array");
    byte[] a = pool.take(800);
    byte[] b = pool.take(900);
    byte[] c = pool.take(1000);
    assertEquals(1000, a.length);
    assertNotSame(a, b);
    pool.give(a);
    pool.give(b);
    pool.give(c); // beyond the stock of 2: dropped
    pool.give(new byte[999]); // not the pool's size: ignored
    assertEquals(2, pool.retained());
    assertSame(b, pool.take(600), "the array given back last comes out first");
    assertSame(a, pool.take(600));
    assertEquals(0, pool.retained());
  }

  @Test
  void aLeaseGivesItsArrayBackOnceAndTheEmptyLeaseNothing() {
    ByteArrayPool pool = new ByteArrayPool(64, 4);
    byte[] a = pool.take(64);
    FrameLease lease = FrameLease.of(pool, a);
    lease.release();
    lease.release();
    assertEquals(1, pool.retained(), "a second release must not put the array in twice");
    FrameLease.none().release();
    assertEquals(1, pool.retained());
  }

  @Test
  void blobsFetchedBackToBackOverSocketsArriveIntactThroughRecycledFrames() throws Exception {
    PrivateKey serverKey = key("pool-server");
    PrivateKey clientKey = key("pool-client");
    Membership members = Membership.of(List.of(serverKey.publicKey(), clientKey.publicKey()));
    InMemoryBlobStore serverStore = new InMemoryBlobStore();
    InMemoryBlobStore clientStore = new InMemoryBlobStore();
    // Two blobs of 40 chunks each (64 KiB chunks in the test config): the second fetch runs on
    // arrays that carried the first one, on both sides.
    byte[] first = TestSupport.randomBytes(21, 40 * 64 * 1024);
    byte[] second = TestSupport.randomBytes(22, 40 * 64 * 1024 - 77);
    Hash h1 = serverStore.put(first);
    Hash h2 = serverStore.put(second);
    NettyP2PNetwork server =
        node(fastConfig(0, List.of()).build(), serverKey, members, serverStore);
    NettyP2PNetwork client =
        node(
            fastConfig(0, List.of(server.listenAddress())).build(),
            clientKey,
            members,
            clientStore);
    Await.until("connected", Duration.ofSeconds(20), () -> !client.peers().isEmpty());

    for (Hash h : List.of(h1, h2)) {
      BlobResult r = client.fetchBlob(h, 8 << 20).get(30, TimeUnit.SECONDS);
      assertInstanceOf(BlobResult.Fetched.class, r);
      assertTrue(clientStore.verify(h));
    }
    byte[] back = new byte[second.length];
    clientStore.read(h2, 0, back, 0, back.length);
    assertArrayEquals(second, back);
    // Served chunks go back once sealed, fetched ones once hashed and stored.
    assertTrue(server.core.framePool().retained() > 0, "server recycled its chunk frames");
    Await.until(
        "client recycled its chunk frames",
        Duration.ofSeconds(5),
        () -> client.core.framePool().retained() > 0);
  }

  private NettyP2PNetwork node(
      P2PConfig config, PrivateKey key, Membership members, InMemoryBlobStore store) {
    NettyP2PNetwork n =
        new NettyP2PNetwork(
            config, key, members, BlockSource.none(), store, new SimpleMeterRegistry());
    n.start();
    started.add(n);
    return n;
  }
}
