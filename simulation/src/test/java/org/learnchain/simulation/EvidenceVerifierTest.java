package org.learnchain.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.learnchain.config.spec.ChainSpec;
import org.learnchain.config.spec.Milestone;
import org.learnchain.config.spec.ProtocolSchedule;
import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.evidence.ConsensusEvidenceVerifier;
import org.learnchain.consensus.evidence.EvidenceProof;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.message.LabelReveal;
import org.learnchain.consensus.message.ModelCommit;
import org.learnchain.consensus.message.PredictionCommit;
import org.learnchain.consensus.message.TestReveal;
import org.learnchain.consensus.message.Vote;
import org.learnchain.consensus.message.WinnerCertificate;
import org.learnchain.consensus.message.WorkSection;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.crypto.codec.CanonicalWriter;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockHeader;
import org.learnchain.ledger.BlockOutcome;

class EvidenceVerifierTest {
  private static final SecureRandom R = new SecureRandom(new byte[] {5});
  private final ChainDomains domains = new ChainDomains("evidence-chain");
  private final ConsensusEvidenceVerifier verifier = new ConsensusEvidenceVerifier(domains, 10);
  private final PrivateKey submitter = PrivateKey.generate(R);
  private final PrivateKey winner = PrivateKey.generate(R);
  private final PrivateKey other = PrivateKey.generate(R);
  private final Hash problem = Hashing.sha256(new byte[] {9});

  private WinnerCertificate cert(PrivateKey by, long round, int attempt, PublicKey crowned) {
    return WinnerCertificate.sign(
        domains,
        by,
        round,
        problem,
        attempt,
        crowned,
        Hash.ZERO,
        -1.0,
        List.of(new WinnerCertificate.RankEntry(crowned, -1.0)));
  }

  private void assertConvicts(PublicKey expected, byte[] proof, long height) {
    Result<PublicKey> r = verifier.check(proof, height);
    assertTrue(r.isOk(), () -> r.reason());
    assertEquals(expected, r.value());
    assertEquals(expected, verifier.offender(proof, height).orElseThrow());
  }

  private void assertAcquits(byte[] proof, long height, String why) {
    Result<PublicKey> r = verifier.check(proof, height);
    assertFalse(r.isOk(), "should not convict");
    assertTrue(r.reason().contains(why), r.reason());
    assertTrue(verifier.offender(proof, height).isEmpty());
  }

  @Test
  void theEvidenceWindowIsTheChainSpecsAtEachHeight() {
    // Window 100 until height 50, then 10 (a milestone that shortens it).
    ChainSpec wide = ChainSpec.defaults(8L << 20, 100);
    ChainSpec narrow =
        new ChainSpec(
            wide.maxModelBytes(),
            wide.maxTransactionBytes(),
            wide.maxBlockTransactions(),
            wide.maxBlockTransactionBytes(),
            wide.maxBlockBytes(),
            wide.maxPendingProblems(),
            wide.maxUnbondingEntries(),
            wide.maxDelegations(),
            wide.maxBackers(),
            10,
            wide.maxTrainingSamples());
    ConsensusEvidenceVerifier bySpec =
        new ConsensusEvidenceVerifier(
            domains,
            new ProtocolSchedule(List.of(new Milestone(0, wide), new Milestone(50, narrow))));
    byte[] proof =
        EvidenceProof.certificates(
                cert(submitter, 5, 0, winner.publicKey()), cert(submitter, 5, 0, other.publicKey()))
            .orElseThrow();
    assertEquals(submitter.publicKey(), bySpec.offender(proof, 49).orElseThrow());
    assertTrue(bySpec.check(proof, 50).reason().contains("too old"));
  }

  /** Swaps the two embedded items of a pair proof (both length-prefixed). */
  private static byte[] swapped(byte[] proof) {
    int lenA =
        ((proof[2] & 0xff) << 24)
            | ((proof[3] & 0xff) << 16)
            | ((proof[4] & 0xff) << 8)
            | (proof[5] & 0xff);
    byte[] a = Arrays.copyOfRange(proof, 6, 6 + lenA);
    byte[] b = Arrays.copyOfRange(proof, 6 + lenA + 4, proof.length);
    return new CanonicalWriter().u8(proof[0]).u8(proof[1]).bytes(b).bytes(a).toByteArray();
  }

  @Test
  void conflictingCertificatesConvictTheSubmitter() {
    WinnerCertificate a = cert(submitter, 5, 0, winner.publicKey());
    WinnerCertificate b = cert(submitter, 5, 0, other.publicKey());
    byte[] proof = EvidenceProof.certificates(a, b).orElseThrow();
    assertConvicts(submitter.publicKey(), proof, 6);
    assertArrayEqualsProof(proof, EvidenceProof.certificates(b, a).orElseThrow());
    assertAcquits(swapped(proof), 6, "canonical order");
    assertTrue(EvidenceProof.certificates(a, cert(submitter, 5, 1, other.publicKey())).isEmpty());
    assertTrue(EvidenceProof.certificates(a, a).isEmpty());
    assertAcquits(proof, 100, "too old");
    assertAcquits(proof, 4, "future");
    // Early in the chain the age window reaches below zero; a negative round is still no offence.
    byte[] negative =
        EvidenceProof.certificates(
                cert(submitter, -3, 0, winner.publicKey()),
                cert(submitter, -3, 0, other.publicKey()))
            .orElseThrow();
    assertAcquits(negative, 2, "negative round");
    // The same pair signed on another chain proves nothing here.
    ConsensusEvidenceVerifier otherChain =
        new ConsensusEvidenceVerifier(new ChainDomains("another-chain"), 10);
    assertTrue(otherChain.offender(proof, 6).isEmpty());
  }

  private static void assertArrayEqualsProof(byte[] x, byte[] y) {
    assertTrue(Arrays.equals(x, y), "one offence, one proof, whatever the argument order");
  }

  @Test
  void conflictingCommitsAndVotesConvict() {
    ModelCommit c1 = ModelCommit.sign(domains, winner, 7, problem, Hashing.sha256(new byte[] {1}));
    ModelCommit c2 = ModelCommit.sign(domains, winner, 7, problem, Hashing.sha256(new byte[] {2}));
    assertConvicts(winner.publicKey(), EvidenceProof.commits(c1, c2).orElseThrow(), 7);
    ModelCommit c3 = ModelCommit.sign(domains, winner, 8, problem, Hashing.sha256(new byte[] {2}));
    assertTrue(EvidenceProof.commits(c1, c3).isEmpty(), "different rounds do not conflict");
    Vote a1 =
        Vote.sign(domains, MessageType.PRECOMMIT, other, 3, 1, Hashing.sha256(new byte[] {1}));
    Vote a2 =
        Vote.sign(domains, MessageType.PRECOMMIT, other, 3, 1, Hashing.sha256(new byte[] {2}));
    assertConvicts(other.publicKey(), EvidenceProof.votes(a1, a2).orElseThrow(), 4);
    Vote nil = Vote.sign(domains, MessageType.PREVOTE, other, 3, 1, Hash.ZERO);
    Vote yes = Vote.sign(domains, MessageType.PREVOTE, other, 3, 1, a1.blockHash());
    assertConvicts(other.publicKey(), EvidenceProof.votes(nil, yes).orElseThrow(), 3);
    assertTrue(
        EvidenceProof.votes(
                a1, Vote.sign(domains, MessageType.PRECOMMIT, winner, 3, 1, a2.blockHash()))
            .isEmpty(),
        "different validators");
    assertTrue(
        EvidenceProof.votes(
                a1, Vote.sign(domains, MessageType.PRECOMMIT, other, 3, 2, a2.blockHash()))
            .isEmpty(),
        "different rounds");
    assertTrue(EvidenceProof.votes(a1, yes).isEmpty(), "a prevote and a precommit");
  }

  @Test
  void forgedOrMalformedProofsConvictNobody() {
    ModelCommit c1 = ModelCommit.sign(domains, winner, 7, problem, Hashing.sha256(new byte[] {1}));
    ModelCommit c2 = ModelCommit.sign(domains, winner, 7, problem, Hashing.sha256(new byte[] {2}));
    byte[] proof = EvidenceProof.commits(c1, c2).orElseThrow();
    byte[] tampered = proof.clone();
    tampered[tampered.length - 70] ^= 1; // inside the second commit's signed payload
    assertFalse(verifier.check(tampered, 7).isOk());
    assertAcquits(Arrays.copyOf(proof, proof.length - 1), 7, "malformed");
    assertAcquits(Arrays.copyOf(proof, proof.length + 1), 7, "");
    assertAcquits(new byte[] {1, 99}, 7, "unknown evidence kind");
    assertAcquits(new byte[] {2, 1}, 7, "version");
    assertAcquits(new byte[0], 7, "malformed");
  }

  private Block usefulBlock(Bytes model, long round) {
    Bytes committedModel = LinearRegressionMl.encodeModel(7.9, -0.85);
    Hash mh = committedModel.sha256();
    Bytes predictions = Bytes.of(new byte[] {1, 2, 3});
    Bytes salt = Bytes.of(new byte[32]);
    ModelCommit commit =
        ModelCommit.sign(
            domains, winner, round, problem, ModelCommit.commitment(mh, winner.publicKey(), round));
    PredictionCommit pc = PredictionCommit.sign(domains, winner, round, problem, mh, predictions);
    TestReveal test =
        TestReveal.sign(domains, submitter, round, problem, salt, Bytes.of(new byte[] {4}));
    LabelReveal labels =
        LabelReveal.sign(domains, submitter, round, problem, salt, Bytes.of(new byte[] {5}));
    WinnerCertificate cert =
        WinnerCertificate.sign(
            domains,
            submitter,
            round,
            problem,
            0,
            winner.publicKey(),
            mh,
            -1.0,
            List.of(new WinnerCertificate.RankEntry(winner.publicKey(), -1.0)));
    byte[] work =
        new WorkSection.Useful(cert, List.of(commit), List.of(pc), test, labels, model, List.of())
            .encode();
    BlockHeader h =
        new BlockHeader(
            round,
            Hashing.sha256(new byte[] {7}),
            1_000,
            round,
            0,
            problem,
            Block.txRoot(List.of()),
            Block.workHash(work),
            Hash.ZERO,
            mh,
            cert.id(),
            winner.publicKey());
    return new Block(
        h,
        h.sign(winner, domains.chainId()),
        new BlockOutcome.UsefulWork(problem, winner.publicKey().address(), List.of()),
        List.of(),
        work);
  }

  @Test
  void aWinnerPublishingAnotherModelIsConvictedAnHonestOneIsNot() {
    Block honest = usefulBlock(LinearRegressionMl.encodeModel(7.9, -0.85), 12);
    assertAcquits(EvidenceProof.invalidWinnerBlock(honest), 12, "matches");
    Block swapped = usefulBlock(LinearRegressionMl.encodeModel(1, 1), 12);
    assertConvicts(winner.publicKey(), EvidenceProof.invalidWinnerBlock(swapped), 13);
    // Someone else cannot frame the winner: re-signing the header needs the winner's key.
    BlockHeader h = swapped.header();
    Block forged =
        new Block(h, h.sign(winner, "another-chain"), swapped.outcome(), List.of(), swapped.work());
    assertAcquits(EvidenceProof.invalidWinnerBlock(forged), 13, "signature");
  }

  @Test
  void twoBlocksForOneSlotConvictTheProposerButNotAcrossKinds() {
    Block a = usefulBlock(LinearRegressionMl.encodeModel(7.9, -0.85), 20);
    Block b = usefulBlock(LinearRegressionMl.encodeModel(7.9, -0.85), 20);
    // Same content signed twice is the same block: only a different header conflicts.
    assertTrue(EvidenceProof.blocks(a, b).isEmpty());
    Block c = usefulBlock(LinearRegressionMl.encodeModel(1, 2), 20);
    assertConvicts(winner.publicKey(), EvidenceProof.blocks(a, c).orElseThrow(), 21);
    // The state machine remembers signed headers, not blocks: the proof from them is the same.
    assertArrayEqualsProof(
        EvidenceProof.blocks(a, c).orElseThrow(),
        EvidenceProof.blocks(c.header(), c.signature(), a.header(), a.signature()).orElseThrow());
    BlockHeader h = a.header();
    BlockHeader closing =
        new BlockHeader(
            h.height(),
            h.prevHash(),
            h.timestampMs(),
            h.round(),
            h.attempt(),
            Hash.ZERO,
            h.txRoot(),
            Hash.ZERO,
            h.stateRoot(),
            Hash.ZERO,
            Hash.ZERO,
            h.proposer());
    Block idle =
        new Block(
            closing,
            closing.sign(winner, domains.chainId()),
            new BlockOutcome.Idle(),
            List.of(),
            new byte[0]);
    assertTrue(
        EvidenceProof.blocks(a, idle).isEmpty(), "a closing turn and a win may share a number");
  }
}
