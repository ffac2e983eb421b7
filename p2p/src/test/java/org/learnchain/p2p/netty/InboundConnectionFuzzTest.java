package org.learnchain.p2p.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.fuzz.FuzzInputs;
import org.learnchain.p2p.BlockSource;
import org.learnchain.p2p.core.FuzzNode;
import org.learnchain.p2p.core.HandshakeParams;
import org.learnchain.p2p.core.P2PCore;
import org.learnchain.p2p.tls.MemberTrustManager;
import org.learnchain.p2p.tls.TlsContexts;
import org.learnchain.p2p.tls.TlsIdentity;

/**
 * Fuzzes what a stranger's bytes meet first on an inbound connection: the node's pipeline of {@link
 * SslHandler} (JDK provider, so the run needs no natives) and {@link HandshakeHandler}. Byte 0 says
 * where to cut the rest into two socket reads.
 *
 * <p>The contract checked: nothing is thrown into the pipeline; no session is ever opened (a
 * session needs a certificate endorsed by a member's key, which no input can forge); the handshake
 * slot is released exactly once whatever happens; a refused connection is closed. A real
 * ClientHello (random each run, so not saved) gets the server's flight back and the connection
 * stays pending.
 */
class InboundConnectionFuzzTest {
  private static FuzzNode node;
  private static TlsContexts tls;

  static synchronized FuzzNode node() {
    if (node == null) {
      node = new FuzzNode(BlockSource.none());
      HandshakeParams p = node.core().handshakeParams();
      try {
        tls =
            TlsContexts.create(
                TlsIdentity.create(
                    p.nodeKey(),
                    p.chainId(),
                    p.genesisHash(),
                    p.protocolVersion(),
                    new SecureRandom()),
                new MemberTrustManager(
                    p.chainId(), p.genesisHash(), p.protocolVersion(), node.core()::admit),
                SslProvider.JDK);
      } catch (SSLException e) {
        throw new IllegalStateException(e);
      }
    }
    return node;
  }

  @AfterAll
  static synchronized void stop() {
    if (node != null) {
      node.close();
      node = null;
    }
  }

  @FuzzTest(maxDuration = "3m")
  void strangerBytes(byte[] data) {
    if (data.length == 0) {
      return;
    }
    run(node().core(), data);
  }

  /** Feeds the bytes; returns what the node sent back. */
  static byte[] run(P2PCore core, byte[] data) {
    AtomicInteger released = new AtomicInteger();
    EmbeddedChannel ch = new EmbeddedChannel(false, false);
    SslHandler ssl = tls.server().newHandler(ch.alloc());
    ssl.setHandshakeTimeoutMillis(0);
    ch.pipeline()
        .addLast("tls", ssl)
        .addLast(
            "handshake",
            new HandshakeHandler(
                core, ssl, false, Optional.empty(), Optional.empty(), released::incrementAndGet))
        .addLast(NettyTransport.TAIL, new TailHandler());
    try {
      // Registering fires channelActive, as accepting a socket does.
      ch.register();
    } catch (Exception e) {
      throw new IllegalStateException("embedded channel did not register", e);
    }
    int cut = 1 + (int) ((long) (data[0] & 0xff) * (data.length - 1) / 255);
    ch.writeInbound(Unpooled.wrappedBuffer(data, 1, cut - 1));
    if (ch.isOpen()) {
      ch.writeInbound(Unpooled.wrappedBuffer(data, cut, data.length - cut));
    }
    ch.runPendingTasks();
    ch.checkException();
    assertNull(ch.pipeline().get("session"), "a session without a member's certificate");
    if (!ch.isOpen()) {
      assertEquals(1, released.get(), "a refused connection kept its handshake slot");
    } else {
      assertTrue(released.get() == 0, "slot released while still handshaking");
    }
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    Object o;
    while ((o = ch.readOutbound()) != null) {
      ByteBuf b = (ByteBuf) o;
      byte[] bytes = new byte[b.readableBytes()];
      b.readBytes(bytes);
      b.release();
      sent.write(bytes, 0, bytes.length);
    }
    ch.close();
    ch.runPendingTasks();
    ch.checkException();
    assertEquals(1, released.get(), "slot not released once the connection closed");
    ch.finishAndReleaseAll();
    assertTrue(core.peers().isEmpty(), "a session outlived its connection");
    return sent.toByteArray();
  }

  /** A real TLS 1.3 ClientHello from a stranger's client context. */
  static byte[] clientHello() throws SSLException {
    HandshakeParams p = node().core().handshakeParams();
    TlsContexts stranger =
        TlsContexts.create(
            TlsIdentity.create(
                FuzzNode.PEER,
                p.chainId(),
                p.genesisHash(),
                p.protocolVersion(),
                new SecureRandom()),
            new MemberTrustManager(
                p.chainId(), p.genesisHash(), p.protocolVersion(), (k, i) -> Optional.empty()),
            SslProvider.JDK);
    SSLEngine e = stranger.client().newEngine(ByteBufAllocator.DEFAULT);
    e.beginHandshake();
    ByteBuffer out = ByteBuffer.allocate(e.getSession().getPacketBufferSize());
    e.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    return Arrays.copyOf(out.array(), out.limit());
  }

  static Map<String, byte[]> seeds() {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put("oversized-frame", new byte[] {0, 0, 0, 0x10, 0, 1, 2});
    seeds.put("oversized-tls-record", new byte[] {0x40, 0x16, 0x03, 0x03, -1, -1, 1, 2, 3});
    seeds.put(
        "http",
        "xGET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    return seeds;
  }

  @Test
  void aClientHelloIsAnsweredAndSeedsAreRefusedAndSaved() throws SSLException {
    node();
    byte[] hello = clientHello();
    byte[] input = new byte[hello.length + 1];
    input[0] = (byte) 0x80; // two reads, cut inside the hello
    System.arraycopy(hello, 0, input, 1, hello.length);
    byte[] answer = run(node().core(), input);
    assertTrue(answer.length > 0 && answer[0] == 0x16, "no ServerHello flight");
    for (byte[] s : seeds().values()) {
      run(node().core(), s);
    }
    FuzzInputs.sync(getClass(), "strangerBytes", seeds());
  }
}
