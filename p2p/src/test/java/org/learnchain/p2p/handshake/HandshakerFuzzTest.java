package org.learnchain.p2p.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.crypto.fuzz.FuzzInputs;
import org.learnchain.crypto.fuzz.ThreadAllocations;
import org.learnchain.p2p.DisconnectReason;
import org.learnchain.p2p.Membership;
import org.learnchain.p2p.TestSupport;
import org.learnchain.p2p.fuzz.FixedRandom;
import org.learnchain.p2p.handshake.Handshaker.Step;
import org.learnchain.proto.p2p.HandshakeMessage;
import org.learnchain.proto.p2p.HandshakeReject;

/**
 * Fuzzes both sides of the session handshake with what a stranger or a hostile member can send
 * before any session exists. Byte 0 picks the side under test (even: responder, fed an init and a
 * finish; odd: initiator, which has sent its init and is fed a response); the rest is up to three
 * handshake frames, each a 2-byte length and that many bytes (the frame layer itself is fuzzed in
 * {@code SecureFrameDecoderFuzzTest}). The contract checked: every frame yields a parse failure
 * (which the handler turns into a refusal) or a {@link Step}, never an exception; a refusal's
 * detail is one line; allocation is in proportion to the input; a session is established only with
 * the one member key that can sign for this exchange, and nothing is accepted after the handshake
 * has ended.
 *
 * <p>Ephemeral keys come from {@link FixedRandom}, so the saved complete handshakes replay to a
 * session on every run and the fuzzer mutates real exchanges, not only strangers' noise.
 */
class HandshakerFuzzTest {
  static final PrivateKey INITIATOR = TestSupport.key("fuzz-initiator");
  static final PrivateKey RESPONDER = TestSupport.key("fuzz-responder");
  static final Membership MEMBERS =
      Membership.of(List.of(INITIATOR.publicKey(), RESPONDER.publicKey()));
  static final long INITIATOR_SEED = 1;
  static final long RESPONDER_SEED = 2;
  static final int MAX_FRAMES = 3;

  static Handshaker.Params params(PrivateKey k) {
    return new Handshaker.Params(TestSupport.CHAIN, 1, TestSupport.GENESIS, k);
  }

  /** What the core's admission does before any signature: members only, never this node. */
  static Handshaker.Admission admission(PublicKey self) {
    return peer -> {
      if (peer.equals(self)) {
        return Optional.of(DisconnectReason.SELF);
      }
      return MEMBERS.contains(peer) ? Optional.empty() : Optional.of(DisconnectReason.NOT_A_MEMBER);
    };
  }

  static Handshaker responder() {
    return Handshaker.responder(
        params(RESPONDER), admission(RESPONDER.publicKey()), new FixedRandom(RESPONDER_SEED));
  }

  static Handshaker initiator() {
    return Handshaker.initiator(
        params(INITIATOR),
        admission(INITIATOR.publicKey()),
        Optional.of(RESPONDER.publicKey()),
        new FixedRandom(INITIATOR_SEED));
  }

  @FuzzTest(maxDuration = "3m")
  void eitherSideFedArbitraryFrames(byte[] data) {
    if (data.length == 0) {
      return;
    }
    ThreadAllocations.bounded(data.length, () -> run(data));
  }

  private static Boolean run(byte[] data) {
    boolean responderSide = (data[0] & 1) == 0;
    Handshaker h = responderSide ? responder() : initiator();
    PublicKey counterpart = responderSide ? INITIATOR.publicKey() : RESPONDER.publicKey();
    if (!responderSide) {
      h.start();
    }
    boolean ended = false;
    for (byte[] frame : frames(data)) {
      HandshakeMessage m;
      try {
        m = HandshakeMessage.parseFrom(frame);
      } catch (InvalidProtocolBufferException e) {
        // The handler refuses the peer here; the state machine never sees the bytes.
        return false;
      }
      Step step = h.onMessage(m);
      if (ended) {
        Step.Fail f = assertInstanceOf(Step.Fail.class, step, "accepted a message after the end");
        assertEquals(DisconnectReason.HANDSHAKE_FAILED, f.reason());
      }
      if (step instanceof Step.Fail f) {
        assertFalse(f.detail().contains("\n"), f.detail());
        f.reject().ifPresent(r -> assertTrue(r.hasReject()));
        ended = true;
      } else if (step instanceof Step.Done d) {
        assertEquals(counterpart, d.peer(), "a session with a key that did not sign");
        assertTrue(d.last().isPresent() != responderSide);
        ended = true;
      } else {
        Step.Send s = assertInstanceOf(Step.Send.class, step);
        assertTrue(responderSide && s.message().hasResponse());
      }
    }
    return ended;
  }

  /** Up to {@link #MAX_FRAMES} frames of data[1..]: a 2-byte length each, cut at the end. */
  static List<byte[]> frames(byte[] data) {
    List<byte[]> out = new ArrayList<>();
    int at = 1;
    while (at + 2 <= data.length && out.size() < MAX_FRAMES) {
      int len = ((data[at] & 0xff) << 8) | (data[at + 1] & 0xff);
      at += 2;
      int n = Math.min(len, data.length - at);
      byte[] f = new byte[n];
      System.arraycopy(data, at, f, 0, n);
      out.add(f);
      at += n;
    }
    return out;
  }

  static byte[] input(int side, HandshakeMessage... messages) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(side);
    for (HandshakeMessage m : messages) {
      byte[] b = m.toByteArray();
      out.write(b.length >>> 8);
      out.write(b.length);
      out.write(b, 0, b.length);
    }
    return out.toByteArray();
  }

  /** Complete exchanges under the fixed ephemeral keys, seen from each side. */
  static Map<String, byte[]> seeds() {
    Handshaker i = initiator();
    Handshaker r = responder();
    HandshakeMessage init = i.start();
    HandshakeMessage response = ((Step.Send) r.onMessage(init)).message();
    HandshakeMessage finish = ((Step.Done) i.onMessage(response)).last().orElseThrow();
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put("responder-complete", input(0, init, finish));
    seeds.put("initiator-complete", input(1, response));
    seeds.put("responder-init-twice", input(0, init, init));
    seeds.put(
        "initiator-rejected",
        input(
            1,
            HandshakeMessage.newBuilder()
                .setReject(HandshakeReject.newBuilder().setReason(DisconnectReason.BANNED.code()))
                .build()));
    return seeds;
  }

  @Test
  void seedsCompleteTheHandshakeAndAreSaved() {
    Map<String, byte[]> seeds = seeds();
    assertTrue(run(seeds.get("responder-complete")));
    assertTrue(run(seeds.get("initiator-complete")));
    Handshaker r = responder();
    List<byte[]> f = frames(seeds.get("responder-complete"));
    Step.Done done;
    try {
      assertInstanceOf(Step.Send.class, r.onMessage(HandshakeMessage.parseFrom(f.get(0))));
      done = assertInstanceOf(Step.Done.class, r.onMessage(HandshakeMessage.parseFrom(f.get(1))));
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
    assertEquals(INITIATOR.publicKey(), done.peer());
    for (byte[] seed : seeds.values()) {
      eitherSideFedArbitraryFrames(seed);
    }
    FuzzInputs.sync(getClass(), "eitherSideFedArbitraryFrames", seeds);
  }
}
