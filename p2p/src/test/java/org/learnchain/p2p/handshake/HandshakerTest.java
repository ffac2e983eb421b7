package org.learnchain.p2p.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.learnchain.p2p.TestSupport.key;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.p2p.DisconnectReason;
import org.learnchain.p2p.TestSupport;
import org.learnchain.p2p.handshake.Handshaker.Step;
import org.learnchain.proto.p2p.HandshakeFinish;
import org.learnchain.proto.p2p.HandshakeMessage;

class HandshakerTest {
  private final PrivateKey alice = key("alice");
  private final PrivateKey bob = key("bob");
  private final SecureRandom random = new SecureRandom();
  private final List<PublicKey> admissionChecks = new ArrayList<>();

  private Handshaker.Params params(PrivateKey k) {
    return new Handshaker.Params(TestSupport.CHAIN, 1, TestSupport.GENESIS, k);
  }

  private Handshaker.Admission admitAll() {
    return peer -> {
      admissionChecks.add(peer);
      return Optional.empty();
    };
  }

  private Handshaker initiator() {
    return Handshaker.initiator(params(alice), admitAll(), Optional.of(bob.publicKey()), random);
  }

  private Handshaker responder() {
    return Handshaker.responder(params(bob), admitAll(), random);
  }

  @Test
  void bothSidesAuthenticateEachOtherAndDeriveMatchingDirectionalKeys() {
    Handshaker i = initiator();
    Handshaker r = responder();
    Step.Send response = assertInstanceOf(Step.Send.class, r.onMessage(i.start()));
    Step.Done iDone = assertInstanceOf(Step.Done.class, i.onMessage(response.message()));
    Step.Done rDone = assertInstanceOf(Step.Done.class, r.onMessage(iDone.last().orElseThrow()));
    assertEquals(bob.publicKey(), iDone.peer());
    assertEquals(alice.publicKey(), rDone.peer());
    assertTrue(rDone.last().isEmpty());

    FrameSealer aliceOut = iDone.keys().sealer();
    FrameOpener bobIn = rDone.keys().opener();
    FrameSealer bobOut = rDone.keys().sealer();
    FrameOpener aliceIn = iDone.keys().opener();
    byte[] hello = "hello bob".getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(hello, bobIn.open(body(aliceOut.seal(hello))).orElseThrow());
    byte[] back = "hello alice".getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(back, aliceIn.open(body(bobOut.seal(back))).orElseThrow());
    // A direction's key does not open the other direction's frames.
    assertTrue(iDone.keys().opener().open(body(iDone.keys().sealer().seal(hello))).isEmpty());
  }

  static byte[] body(byte[] frame) {
    return java.util.Arrays.copyOfRange(frame, FrameSealer.HEADER_BYTES, frame.length);
  }

  @Test
  void disagreementsOnChainGenesisAndVersionAreRefusedWithAReasonBeforeAnySignature() {
    Handshaker.Params otherChain = new Handshaker.Params("other", 1, TestSupport.GENESIS, bob);
    Handshaker.Params otherGenesis =
        new Handshaker.Params(TestSupport.CHAIN, 1, Hashing.sha256(new byte[] {1}), bob);
    Handshaker.Params otherVersion =
        new Handshaker.Params(TestSupport.CHAIN, 2, TestSupport.GENESIS, bob);
    for (var c :
        List.of(
            List.of(otherChain, DisconnectReason.CHAIN_MISMATCH),
            List.of(otherGenesis, DisconnectReason.GENESIS_MISMATCH),
            List.of(otherVersion, DisconnectReason.VERSION_MISMATCH))) {
      admissionChecks.clear();
      Handshaker r = Handshaker.responder((Handshaker.Params) c.get(0), admitAll(), random);
      Step.Fail f = assertInstanceOf(Step.Fail.class, r.onMessage(initiator().start()));
      assertEquals(c.get(1), f.reason());
      assertEquals(
          ((DisconnectReason) c.get(1)).code(), f.reject().orElseThrow().getReject().getReason());
      assertTrue(admissionChecks.isEmpty(), "agreement is checked before admission");
    }
  }

  @Test
  void aRefusedKeyGetsTheAdmissionReason() {
    Handshaker r =
        Handshaker.responder(
            params(bob), peer -> Optional.of(DisconnectReason.NOT_A_MEMBER), random);
    Step.Fail f = assertInstanceOf(Step.Fail.class, r.onMessage(initiator().start()));
    assertEquals(DisconnectReason.NOT_A_MEMBER, f.reason());
    // The initiator learns why.
    Handshaker i = initiator();
    i.start();
    Step.Fail seen = assertInstanceOf(Step.Fail.class, i.onMessage(f.reject().orElseThrow()));
    assertTrue(seen.detail().contains("not_a_member"));
  }

  @Test
  void anotherKeyAnsweringTheDialledAddressIsRefused() {
    Handshaker i =
        Handshaker.initiator(
            params(alice), admitAll(), Optional.of(key("carol").publicKey()), random);
    Step.Send response = assertInstanceOf(Step.Send.class, responder().onMessage(i.start()));
    assertEquals(
        DisconnectReason.UNEXPECTED_KEY,
        assertInstanceOf(Step.Fail.class, i.onMessage(response.message())).reason());
  }

  @Test
  void aManInTheMiddleSwappingTheEphemeralKeyIsDetected() {
    Handshaker i = initiator();
    Handshaker r = responder();
    HandshakeMessage response = ((Step.Send) r.onMessage(i.start())).message();
    byte[] mallory = new byte[32];
    random.nextBytes(mallory);
    HandshakeMessage swapped =
        response.toBuilder()
            .setResponse(
                response.getResponse().toBuilder().setEphemeralKey(ByteString.copyFrom(mallory)))
            .build();
    Step.Fail f = assertInstanceOf(Step.Fail.class, i.onMessage(swapped));
    assertEquals(DisconnectReason.HANDSHAKE_FAILED, f.reason());
    assertTrue(f.detail().contains("signature"));
  }

  @Test
  void aFinishFromAnotherSessionOrAReflectedSignatureIsRefused() {
    Handshaker i1 = initiator();
    Handshaker r1 = responder();
    HandshakeMessage resp1 = ((Step.Send) r1.onMessage(i1.start())).message();
    HandshakeMessage finish1 = ((Step.Done) i1.onMessage(resp1)).last().orElseThrow();

    Handshaker i2 = initiator();
    Handshaker r2 = responder();
    r2.onMessage(i2.start());
    assertInstanceOf(Step.Fail.class, r2.onMessage(finish1), "replayed finish");

    Handshaker i3 = initiator();
    Handshaker r3 = responder();
    HandshakeMessage resp3 = ((Step.Send) r3.onMessage(i3.start())).message();
    HandshakeMessage reflected =
        HandshakeMessage.newBuilder()
            .setFinish(
                HandshakeFinish.newBuilder().setSignature(resp3.getResponse().getSignature()))
            .build();
    assertInstanceOf(
        Step.Fail.class, r3.onMessage(reflected), "responder's own signature sent back");
  }

  @Test
  void outOfOrderMalformedAndDegenerateMessagesFail() {
    Handshaker r = responder();
    HandshakeMessage finish =
        HandshakeMessage.newBuilder()
            .setFinish(HandshakeFinish.newBuilder().setSignature(ByteString.copyFrom(new byte[64])))
            .build();
    assertInstanceOf(Step.Fail.class, r.onMessage(finish), "finish before init");

    HandshakeMessage init = initiator().start();
    HandshakeMessage shortKey =
        init.toBuilder()
            .setInit(init.getInit().toBuilder().setEphemeralKey(ByteString.copyFrom(new byte[31])))
            .build();
    assertInstanceOf(Step.Fail.class, responder().onMessage(shortKey));

    // u = 0 is a low-order point: the shared secret would be all zeros.
    HandshakeMessage zero =
        init.toBuilder()
            .setInit(init.getInit().toBuilder().setEphemeralKey(ByteString.copyFrom(new byte[32])))
            .build();
    Step.Fail f = assertInstanceOf(Step.Fail.class, responder().onMessage(zero));
    assertTrue(f.detail().contains("degenerate"));

    Handshaker done = responder();
    done.onMessage(initiator().start());
    assertInstanceOf(Step.Fail.class, done.onMessage(initiator().start()), "second init");
    assertFalse(done.isInitiator());
  }
}
