package org.learnchain.consensus.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.Result;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;

class MessagesTest {
  private static final SecureRandom RANDOM = new SecureRandom(new byte[] {7});
  private final ChainDomains domains = new ChainDomains("test-chain");
  private final PrivateKey miner = PrivateKey.generate(RANDOM);
  private final PrivateKey other = PrivateKey.generate(RANDOM);
  private final PrivateKey submitter = PrivateKey.generate(RANDOM);
  private final Hash problem = Hashing.sha256("problem".getBytes(StandardCharsets.UTF_8));
  private final Hash model = Hashing.sha256("model".getBytes(StandardCharsets.UTF_8));

  private List<ConsensusMessage> oneOfEach() {
    Bytes salt = Bytes.of(new byte[] {1, 2, 3});
    return List.of(
        ModelCommit.sign(
            domains, miner, 5, problem, ModelCommit.commitment(model, miner.publicKey(), 5)),
        TestReveal.sign(domains, submitter, 5, problem, salt, Bytes.of(new byte[] {9, 9})),
        PredictionCommit.sign(domains, miner, 5, problem, model, Bytes.of(new byte[] {4, 5, 6})),
        LabelReveal.sign(domains, submitter, 5, problem, salt, Bytes.of(new byte[] {1})),
        WinnerCertificate.sign(
            domains,
            submitter,
            5,
            problem,
            1,
            other.publicKey(),
            model,
            -0.25,
            List.of(
                new WinnerCertificate.RankEntry(miner.publicKey(), -0.125),
                new WinnerCertificate.RankEntry(other.publicKey(), -0.25))),
        MisconductReport.sign(
            domains,
            other,
            5,
            0,
            miner.publicKey(),
            model,
            MisconductReport.Reason.MODEL_MISMATCH,
            "model hash differs"),
        Vote.sign(domains, MessageType.PRECOMMIT, other, 4, 2, model),
        Vote.sign(domains, MessageType.PREVOTE, other, 4, 0, Hash.ZERO));
  }

  @Test
  void everyMessageRoundTripsAndVerifies() {
    for (ConsensusMessage m : oneOfEach()) {
      byte[] encoded = m.encode();
      Result<ConsensusMessage> decoded = Codec.decode(m.type(), encoded);
      assertTrue(decoded.isOk(), () -> m.type() + ": " + decoded);
      assertEquals(m, decoded.value());
      assertArrayEquals(encoded, decoded.value().encode());
      assertTrue(decoded.value().verifySignature(domains), m.type().tag());
      assertEquals(m.id(), decoded.value().id());
    }
  }

  @Test
  void signaturesAreBoundToChainTypeAndContent() {
    ChainDomains otherChain = new ChainDomains("other-chain");
    for (ConsensusMessage m : oneOfEach()) {
      assertFalse(m.verifySignature(otherChain), "other chain: " + m.type().tag());
      // The same payload signed as another type must not verify as this type.
      MessageType wrong =
          m.type() == MessageType.PREVOTE ? MessageType.PRECOMMIT : MessageType.PREVOTE;
      assertFalse(
          domains.verify(
              m.type(),
              m.signer(),
              m.signedPayload(),
              domains.sign(wrong, miner, m.signedPayload())));
      // Flip one payload byte after the version: the decoded message no longer verifies.
      byte[] tampered = m.encode();
      tampered[3] ^= 1;
      Result<ConsensusMessage> decoded = Codec.decode(m.type(), tampered);
      assertTrue(!decoded.isOk() || !decoded.value().verifySignature(domains), m.type().tag());
    }
  }

  @Test
  void malformedInputIsAValueNeverAnException() {
    for (ConsensusMessage m : oneOfEach()) {
      byte[] encoded = m.encode();
      for (int cut = 0; cut < encoded.length; cut += Math.max(1, encoded.length / 17)) {
        Result<ConsensusMessage> r = Codec.decode(m.type(), Arrays.copyOf(encoded, cut));
        assertFalse(r.isOk(), "truncated at " + cut);
        assertTrue(r.reason().startsWith("malformed " + m.type().tag()), r.reason());
      }
      byte[] trailing = Arrays.copyOf(encoded, encoded.length + 1);
      assertTrue(Codec.decode(m.type(), trailing).reason().contains("trailing"));
      byte[] badVersion = encoded.clone();
      badVersion[0] = 9;
      assertTrue(Codec.decode(m.type(), badVersion).reason().contains("version"));
    }
    assertFalse(Codec.decode(MessageType.BLOCK, new byte[] {1}).isOk());
    // A huge length prefix is refused before anything is allocated.
    byte[] hugeReveal = new byte[1 + 8 + 32 + 4];
    hugeReveal[0] = 1;
    hugeReveal[41] = 0x7f;
    assertTrue(Codec.decode(MessageType.TEST_REVEAL, hugeReveal).reason().contains("limit"));
  }

  @Test
  void commitmentBindsModelMinerAndRound() {
    Hash c = ModelCommit.commitment(model, miner.publicKey(), 5);
    ModelCommit honest = ModelCommit.sign(domains, miner, 5, problem, c);
    assertTrue(honest.opensWith(model));
    // Another miner copying the commitment value cannot open it with the same model.
    ModelCommit copied = ModelCommit.sign(domains, other, 5, problem, c);
    assertFalse(copied.opensWith(model));
    // Nor can the commitment be reused in a later round.
    ModelCommit replayed = ModelCommit.sign(domains, miner, 6, problem, c);
    assertFalse(replayed.opensWith(model));
    assertNotEquals(c, ModelCommit.commitment(model, miner.publicKey(), 6));
  }

  @Test
  void revealsMatchOnlyTheirSaltedHash() {
    Bytes salt = Bytes.of(new byte[] {1, 2, 3});
    Bytes inputs = Bytes.of(new byte[] {9, 9});
    Hash committed = Hashing.sha256(salt.toArray(), inputs.toArray());
    TestReveal reveal = TestReveal.sign(domains, submitter, 5, problem, salt, inputs);
    assertTrue(reveal.matches(committed));
    TestReveal other =
        TestReveal.sign(domains, submitter, 5, problem, Bytes.of(new byte[] {1, 2}), inputs);
    assertFalse(other.matches(committed));
  }

  @Test
  void misconductDetailIsBoundedUtf8() {
    String longDetail = "\u00e9".repeat(400);
    MisconductReport r =
        MisconductReport.sign(
            domains,
            other,
            1,
            0,
            miner.publicKey(),
            model,
            MisconductReport.Reason.INVALID_BLOCK,
            longDetail);
    assertTrue(r.detail().getBytes(StandardCharsets.UTF_8).length <= Codec.MAX_DETAIL_BYTES);
    assertEquals(r, Codec.decode(r.type(), r.encode()).value());
    assertTrue(r.verifySignature(domains));
  }

  @Test
  void workSectionsRoundTrip() {
    List<ConsensusMessage> all = oneOfEach();
    Vote att = (Vote) all.get(6);
    WorkSection useful =
        new WorkSection.Useful(
            (WinnerCertificate) all.get(4),
            List.of((ModelCommit) all.get(0)),
            List.of((PredictionCommit) all.get(2)),
            (TestReveal) all.get(1),
            (LabelReveal) all.get(3),
            Bytes.of(new byte[] {42, 43}),
            List.of(att));
    WorkSection wasted =
        new WorkSection.Wasted(problem, List.of((ModelCommit) all.get(0)), List.of());
    WorkSection idle = new WorkSection.Idle(List.of(att));
    for (WorkSection s : List.of(useful, wasted, idle)) {
      byte[] enc = s.encode();
      assertEquals(s, WorkSection.decode(enc).value());
      assertEquals(Hashing.sha256(enc), WorkSection.workHash(enc));
      assertFalse(WorkSection.decode(Arrays.copyOf(enc, enc.length - 1)).isOk());
    }
    WorkSection empty = new WorkSection.Idle(List.of());
    assertEquals(0, empty.encode().length);
    assertEquals(Hash.ZERO, WorkSection.workHash(empty.encode()));
    assertInstanceOf(WorkSection.Idle.class, WorkSection.decode(new byte[0]).value());
    // A non-canonical empty idle section (kind byte, empty parent commit) is refused.
    byte[] nonCanonical = {1, 0, 0, 0, 0, 0};
    assertFalse(WorkSection.decode(nonCanonical).isOk());
    // A certificate smuggled where a commit belongs is refused, not mis-cast.
    byte[] wrongKind = new WorkSection.Idle(List.of(att)).encode();
    wrongKind[1] = WorkSection.KIND_WASTED;
    assertFalse(WorkSection.decode(wrongKind).isOk());
  }
}
