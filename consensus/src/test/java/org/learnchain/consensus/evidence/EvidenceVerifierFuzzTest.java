package org.learnchain.consensus.evidence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.fuzz.FuzzMessages;
import org.learnchain.consensus.message.Codec;
import org.learnchain.consensus.message.ConsensusMessage;
import org.learnchain.consensus.message.ModelCommit;
import org.learnchain.consensus.message.Vote;
import org.learnchain.consensus.message.WinnerCertificate;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PublicKey;
import org.learnchain.crypto.Signature;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.fuzz.FuzzInputs;
import org.learnchain.crypto.fuzz.ThreadAllocations;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockHeader;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.LedgerLimits;

/**
 * Fuzzes {@link ConsensusEvidenceVerifier} on arbitrary proofs: the ledger asks it whom an {@code
 * Evidence} transaction convicts, and every node must give the same answer or the chain splits. The
 * contract checked: an acquittal with a one-line reason or a conviction, never an exception; the
 * answer is a function of the proof and the height ({@link ConsensusEvidenceVerifier#offender}
 * agrees with {@link ConsensusEvidenceVerifier#check}, twice); allocation in proportion to the
 * proof; and a convicting proof is the one and only proof of its offence: rebuilding it from its
 * decoded parts with {@link EvidenceProof} gives back the same bytes, so no one can slash twice for
 * one offence by re-encoding it.
 */
class EvidenceVerifierFuzzTest {
  static final long MAX_AGE = 10;
  static final long HEIGHT = FuzzMessages.ROUND + 1;

  private final ConsensusEvidenceVerifier verifier =
      new ConsensusEvidenceVerifier(FuzzMessages.DOMAINS, MAX_AGE);

  @FuzzTest(maxDuration = "3m")
  void checkConvictsOnlyWithACanonicalProof(byte[] proof) {
    for (long height : new long[] {HEIGHT, 0, Long.MAX_VALUE}) {
      Result<PublicKey> r =
          ThreadAllocations.bounded(proof.length, () -> verifier.check(proof, height));
      assertEquals(r, verifier.check(proof, height), "the verdict is a function of its input");
      Optional<PublicKey> offender = verifier.offender(proof, height);
      if (r instanceof Result.Ok<PublicKey> ok) {
        assertEquals(Optional.of(ok.value()), offender);
        assertArrayEquals(proof, rebuild(proof), "a conviction by a non-canonical proof");
      } else {
        assertEquals(Optional.empty(), offender);
        assertFalse(r.reason().contains("\n"), r.reason());
      }
    }
  }

  /** The proof {@link EvidenceProof} builds from the parts of {@code proof}. */
  private static byte[] rebuild(byte[] proof) {
    CanonicalReader r = new CanonicalReader(proof);
    r.u8();
    int kind = r.u8();
    return switch (kind) {
      case EvidenceProof.CONFLICTING_CERTIFICATES ->
          EvidenceProof.certificates(
                  pairItem(r, MessageType.WINNER_CERTIFICATE, WinnerCertificate.class),
                  pairItem(r, MessageType.WINNER_CERTIFICATE, WinnerCertificate.class))
              .orElseThrow();
      case EvidenceProof.CONFLICTING_COMMITS ->
          EvidenceProof.commits(
                  pairItem(r, MessageType.MODEL_COMMIT, ModelCommit.class),
                  pairItem(r, MessageType.MODEL_COMMIT, ModelCommit.class))
              .orElseThrow();
      case EvidenceProof.CONFLICTING_VOTES -> {
        MessageType voteKind = r.u8() == 0 ? MessageType.PREVOTE : MessageType.PRECOMMIT;
        yield EvidenceProof.votes(
                pairItem(r, voteKind, Vote.class), pairItem(r, voteKind, Vote.class))
            .orElseThrow();
      }
      case EvidenceProof.CONFLICTING_BLOCKS ->
          EvidenceProof.blocks(headerOnly(r, new byte[0]), headerOnly(r, new byte[0]))
              .orElseThrow();
      case EvidenceProof.INVALID_WINNER_BLOCK -> {
        BlockHeader h = BlockHeader.read(r);
        Signature s = r.signature();
        byte[] work = r.bytes(LedgerLimits.MAX_WORK_BYTES);
        yield EvidenceProof.invalidWinnerBlock(
            new Block(h, s, new BlockOutcome.Idle(), List.of(), work));
      }
      default -> throw new AssertionError("convicted on unknown evidence kind " + kind);
    };
  }

  private static <T extends ConsensusMessage> T pairItem(
      CanonicalReader r, MessageType kind, Class<T> type) {
    return Codec.decode(kind, type, r.bytes(Integer.MAX_VALUE)).value();
  }

  private static Block headerOnly(CanonicalReader r, byte[] work) {
    BlockHeader h = BlockHeader.read(r);
    return new Block(h, r.signature(), new BlockOutcome.Idle(), List.of(), work);
  }

  static Map<String, byte[]> seeds() {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put(
        "conflicting-certificates",
        EvidenceProof.certificates(
                FuzzMessages.certificate(0, FuzzMessages.WINNER, FuzzMessages.MODEL),
                FuzzMessages.certificate(0, FuzzMessages.RUNNER_UP, FuzzMessages.OTHER_MODEL))
            .orElseThrow());
    seeds.put(
        "conflicting-commits",
        EvidenceProof.commits(
                FuzzMessages.commit(FuzzMessages.WINNER, FuzzMessages.MODEL),
                FuzzMessages.commit(FuzzMessages.WINNER, FuzzMessages.OTHER_MODEL))
            .orElseThrow());
    seeds.put(
        "conflicting-votes",
        EvidenceProof.votes(
                FuzzMessages.precommit(FuzzMessages.VALIDATOR, "one"),
                FuzzMessages.precommit(FuzzMessages.VALIDATOR, "two"))
            .orElseThrow());
    seeds.put(
        "conflicting-blocks",
        EvidenceProof.blocks(
                FuzzMessages.usefulBlock(FuzzMessages.MODEL),
                FuzzMessages.usefulBlock(FuzzMessages.OTHER_MODEL))
            .orElseThrow());
    seeds.put(
        "invalid-winner-block",
        EvidenceProof.invalidWinnerBlock(FuzzMessages.usefulBlock(FuzzMessages.OTHER_MODEL)));
    seeds.put(
        "honest-winner-block",
        EvidenceProof.invalidWinnerBlock(FuzzMessages.usefulBlock(FuzzMessages.MODEL)));
    return seeds;
  }

  @Test
  void seedsConvictTheirOffendersAndAreSaved() {
    Map<String, byte[]> seeds = seeds();
    for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
      Result<PublicKey> r = verifier.check(seed.getValue(), HEIGHT);
      assertEquals(!seed.getKey().startsWith("honest"), r.isOk(), () -> seed.getKey() + ": " + r);
      checkConvictsOnlyWithACanonicalProof(seed.getValue());
    }
    assertTrue(
        verifier
            .check(seeds.get("invalid-winner-block"), HEIGHT)
            .value()
            .equals(FuzzMessages.WINNER.publicKey()));
    FuzzInputs.sync(getClass(), "checkConvictsOnlyWithACanonicalProof", seeds);
  }
}
