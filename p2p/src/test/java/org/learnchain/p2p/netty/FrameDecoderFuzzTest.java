package org.learnchain.p2p.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.fuzz.FuzzInputs;
import org.learnchain.crypto.fuzz.ThreadAllocations;
import org.learnchain.p2p.BlockSource;
import org.learnchain.p2p.core.FuzzNode;
import org.learnchain.proto.p2p.Envelope;
import org.learnchain.proto.p2p.Gossip;
import org.learnchain.proto.p2p.Ping;

/**
 * Fuzzes the inbound side of an authenticated connection behind TLS: the {@link FrameDecoder} in a
 * Netty pipeline ({@link EmbeddedChannel}), fed either raw bytes or well-formed frames (so the
 * fuzzer reaches the envelope parser with garbage bodies), optionally corrupted, and delivered in
 * reads of a size the input picks. Integrity is TLS's job (NettyAdversarialTest tampers with
 * records); this target checks the framing.
 *
 * <p>Input: byte 0 is the mode (bit 0: framed; bits 1-2: corruption none/flip/truncate/append; bits
 * 4-7: read size), then for framed input up to four bodies of a 2-byte length each, then for a flip
 * the position. The contract checked: nothing is thrown into the pipeline; an intact stream passes
 * on exactly its parseable envelopes in order, and nothing after the first unparseable one; a
 * refused stream closes the connection with a reason; allocation is bounded by the input plus one
 * frame (a frame's array is taken once its first body byte has arrived, so a peer that claims a
 * long frame costs at most the frame limit).
 */
class FrameDecoderFuzzTest {
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
  void decodeFrames(byte[] data) {
    if (data.length == 0) {
      return;
    }
    FuzzNode n = node();
    FuzzNode.Session s = n.open();
    // Netty keeps a buffer and a composite component per read; 1-byte reads are fuzzed too.
    long perRead = 1024L * (2L * data.length / readSize(data[0]) + 8);
    try {
      ThreadAllocations.bounded(
          ThreadAllocations.budget(data.length) + 2L * FuzzNode.MAX_FRAME_BYTES + perRead,
          data.length,
          () -> run(n, s, data));
    } finally {
      s.end(n.core());
    }
  }

  private static Boolean run(FuzzNode n, FuzzNode.Session s, byte[] data) {
    int mode = data[0] & 0xff;
    boolean sealed = (mode & 1) != 0;
    int corruption = (mode >>> 1) & 3;
    int readSize = readSize(data[0]);
    List<byte[]> plaintexts = new ArrayList<>();
    byte[] stream;
    int at = 1;
    if (sealed) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      while (at + 2 <= data.length && plaintexts.size() < 4) {
        int len = ((data[at] & 0xff) << 8) | (data[at + 1] & 0xff);
        at += 2;
        int k = Math.min(len, data.length - at);
        byte[] p = Arrays.copyOfRange(data, at, at + k);
        at += k;
        plaintexts.add(p);
        byte[] frame = frame(p);
        out.write(frame, 0, frame.length);
      }
      stream = out.toByteArray();
    } else {
      stream = Arrays.copyOfRange(data, 1, data.length);
    }
    boolean intact = corruption == 0 || !sealed;
    if (sealed && stream.length > 0) {
      int pos = at + 2 <= data.length ? (((data[at] & 0xff) << 8) | (data[at + 1] & 0xff)) : 0;
      switch (corruption) {
        case 1 -> stream[pos % stream.length] ^= (byte) 0x40;
        case 2 -> stream = Arrays.copyOf(stream, pos % stream.length);
        case 3 -> {
          byte[] tail = Arrays.copyOfRange(data, Math.min(at, data.length), data.length);
          byte[] grown = Arrays.copyOf(stream, stream.length + tail.length);
          System.arraycopy(tail, 0, grown, stream.length, tail.length);
          stream = grown;
          intact = true; // the sealed frames before the appended bytes are all intact
        }
        default -> {}
      }
    }
    EmbeddedChannel ch =
        new EmbeddedChannel(new FrameDecoder(FuzzNode.MAX_FRAME_BYTES, n.core(), s.session()));
    for (int off = 0; off < stream.length; off += readSize) {
      int k = Math.min(readSize, stream.length - off);
      // writeInbound rethrows anything a handler threw; the decoder must throw nothing.
      ch.writeInbound(Unpooled.wrappedBuffer(stream, off, k));
    }
    ch.checkException();
    List<Envelope> passed = new ArrayList<>();
    Object o;
    while ((o = ch.readInbound()) != null) {
      passed.add(assertInstanceOf(InboundEnvelope.class, o).envelope());
    }
    ch.finishAndReleaseAll();
    if (sealed && (corruption == 0 || corruption == 3)) {
      for (int i = 0; i < passed.size(); i++) {
        assertTrue(i < plaintexts.size(), "an envelope that was never framed");
        assertEquals(parse(plaintexts.get(i)), passed.get(i), "envelope " + i + " altered");
      }
    }
    if (sealed && intact && corruption != 3) {
      int parseable = 0;
      while (parseable < plaintexts.size() && parse(plaintexts.get(parseable)) != null) {
        parseable++;
      }
      assertEquals(parseable, passed.size(), "intact envelopes withheld");
      if (parseable == plaintexts.size()) {
        assertNull(s.connection().closedWith, "an intact stream refused");
      }
    }
    if (passed.size() < plaintexts.size() && s.connection().closedWith == null) {
      // Nothing refused yet: only a damaged or cut stream may leave the decoder waiting for the
      // rest of a frame (a flipped length prefix announces more bytes than follow).
      assertTrue(corruption != 0, "an intact stream neither passed on nor refused");
    }
    return true;
  }

  private static byte[] frame(byte[] body) {
    byte[] f = Arrays.copyOf(new byte[4], 4 + body.length);
    f[0] = (byte) (body.length >>> 24);
    f[1] = (byte) (body.length >>> 16);
    f[2] = (byte) (body.length >>> 8);
    f[3] = (byte) body.length;
    System.arraycopy(body, 0, f, 4, body.length);
    return f;
  }

  private static int readSize(byte mode) {
    return 1 + ((mode & 0xff) >>> 4) * 1531;
  }

  private static Envelope parse(byte[] plaintext) {
    try {
      return Envelope.parseFrom(plaintext);
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
  }

  static byte[] sealedInput(int mode, byte[]... plaintexts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(mode);
    for (byte[] p : plaintexts) {
      out.write(p.length >>> 8);
      out.write(p.length);
      out.write(p, 0, p.length);
    }
    return out.toByteArray();
  }

  static Map<String, byte[]> seeds() {
    byte[] ping =
        Envelope.newBuilder().setPing(Ping.newBuilder().setNonce(7)).build().toByteArray();
    byte[] gossip =
        Envelope.newBuilder()
            .setGossip(
                Gossip.newBuilder()
                    .setTopic("fuzz")
                    .setMessageId(ByteString.copyFrom(new byte[32]))
                    .setPayload(ByteString.copyFrom(new byte[20_000])))
            .build()
            .toByteArray();
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put("framed-ping-and-gossip", sealedInput(0xf1, ping, gossip));
    seeds.put("framed-byte-reads", sealedInput(0x01, ping, ping));
    seeds.put("framed-flipped", sealedInput(0x23, gossip));
    seeds.put("framed-garbage-plaintext", sealedInput(0x01, new byte[] {(byte) 0xff, 0x7f, 3}));
    seeds.put("raw-huge-prefix", new byte[] {0x00, 0x7f, -1, -1, -1, 1, 2, 3});
    return seeds;
  }

  @Test
  void seedsDecodeAndAreSaved() {
    for (byte[] seed : seeds().values()) {
      decodeFrames(seed);
    }
    FuzzInputs.sync(getClass(), "decodeFrames", seeds());
  }
}
