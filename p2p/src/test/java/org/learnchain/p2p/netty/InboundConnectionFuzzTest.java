package org.learnchain.p2p.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.fuzz.FuzzInputs;
import org.learnchain.p2p.BlockSource;
import org.learnchain.p2p.core.FuzzNode;
import org.learnchain.p2p.core.P2PCore;
import org.learnchain.p2p.fuzz.FixedRandom;
import org.learnchain.p2p.handshake.Handshaker;
import org.learnchain.p2p.handshake.Handshaker.Step;
import org.learnchain.proto.p2p.Envelope;
import org.learnchain.proto.p2p.HandshakeMessage;
import org.learnchain.proto.p2p.Ping;

/**
 * Fuzzes what a stranger's bytes meet first on an inbound connection: the {@link HandshakeHandler}
 * of a node's pipeline (its length-prefixed plaintext frames, the responder's state machine, and on
 * success the switch to the encrypted framer, deframer and session handler, which then get the rest
 * of the bytes). Byte 0 says where to cut the rest into two socket reads.
 *
 * <p>The contract checked: nothing is thrown into the pipeline; the handshake slot is released
 * exactly once whatever happens; a refused connection is closed; an accepted one is only ever the
 * member whose signature the exchange needs, with the handshake handler gone and the session
 * handlers in place; closing the connection ends the session. The saved complete handshake (the
 * responder's ephemeral key comes from {@link FixedRandom}) replays to a session and a ping
 * answered through it.
 */
class InboundConnectionFuzzTest {
  static final long RESPONDER_SEED = 2;
  static final long INITIATOR_SEED = 1;
  private static FuzzNode node;

  static synchronized FuzzNode node() {
    if (node == null) {
      node = new FuzzNode(BlockSource.none());
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

  /** Feeds the bytes; returns the channel's outbound bytes when a session was opened, else null. */
  static byte[] run(P2PCore core, byte[] data) {
    Handshaker h =
        Handshaker.responder(
            core.handshakeParams(),
            peer -> core.admit(peer, true),
            new FixedRandom(RESPONDER_SEED));
    AtomicInteger released = new AtomicInteger();
    EmbeddedChannel ch = new EmbeddedChannel(false, false);
    ch.pipeline()
        .addLast(
            "handshake", new HandshakeHandler(core, h, Optional.empty(), released::incrementAndGet))
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
    boolean inSession = ch.pipeline().get("session") != null;
    if (inSession) {
      assertNull(ch.pipeline().get("handshake"), "handshake handler left behind");
      assertNotNull(ch.pipeline().get("frame-decoder"));
      assertEquals(1, released.get(), "slot not released once");
    } else if (!ch.isOpen()) {
      assertEquals(1, released.get(), "a refused connection kept its handshake slot");
    } else {
      assertTrue(released.get() <= 1);
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
    return inSession ? sent.toByteArray() : null;
  }

  private static void frame(ByteArrayOutputStream out, byte[] body) {
    out.write(body.length >>> 24);
    out.write(body.length >>> 16);
    out.write(body.length >>> 8);
    out.write(body.length);
    out.write(body, 0, body.length);
  }

  /** A member's complete handshake against the fixed responder key, then sealed envelopes. */
  static Map<String, byte[]> seeds() {
    P2PCore core = node().core();
    Handshaker.Params mine =
        new Handshaker.Params(
            core.config().chainId(),
            core.config().protocolVersion(),
            core.config().genesisHash(),
            FuzzNode.PEER);
    Handshaker initiator =
        Handshaker.initiator(
            mine,
            p -> Optional.empty(),
            Optional.of(FuzzNode.LOCAL.publicKey()),
            new FixedRandom(INITIATOR_SEED));
    Handshaker responder =
        Handshaker.responder(
            core.handshakeParams(), p -> Optional.empty(), new FixedRandom(RESPONDER_SEED));
    HandshakeMessage init = initiator.start();
    HandshakeMessage response = ((Step.Send) responder.onMessage(init)).message();
    Step.Done done = (Step.Done) initiator.onMessage(response);
    ByteArrayOutputStream hello = new ByteArrayOutputStream();
    hello.write(0xff); // one read
    frame(hello, init.toByteArray());
    frame(hello, done.last().orElseThrow().toByteArray());
    byte[] handshake = hello.toByteArray();
    byte[] ping =
        done.keys()
            .sealer()
            .seal(
                Envelope.newBuilder()
                    .setPing(Ping.newBuilder().setNonce(99))
                    .build()
                    .toByteArray());
    byte[] withPing = new byte[handshake.length + ping.length];
    System.arraycopy(handshake, 0, withPing, 0, handshake.length);
    System.arraycopy(ping, 0, withPing, handshake.length, ping.length);
    withPing[0] = (byte) 0x80; // two reads, cut inside the handshake
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put("member-handshake", handshake);
    seeds.put("member-handshake-then-ping", withPing);
    seeds.put("oversized-frame", new byte[] {0, 0, 0, 0x10, 0, 1, 2});
    return seeds;
  }

  @Test
  void seedsOpenASessionAndAreSaved() {
    Map<String, byte[]> seeds = seeds();
    assertNotNull(run(node().core(), seeds.get("member-handshake")), "no session");
    byte[] out = run(node().core(), seeds.get("member-handshake-then-ping"));
    assertNotNull(out, "no session");
    assertTrue(out.length > 0, "neither the response nor a pong was sent");
    for (byte[] s : seeds.values()) {
      strangerBytes(s);
    }
    FuzzInputs.sync(getClass(), "strangerBytes", seeds);
  }
}
