package org.learnchain.consensus.evidence;

import java.util.Optional;
import java.util.function.LongUnaryOperator;
import org.learnchain.config.spec.ProtocolSchedule;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.message.Codec;
import org.learnchain.consensus.message.ConsensusMessage;
import org.learnchain.consensus.message.ModelCommit;
import org.learnchain.consensus.message.PredictionCommit;
import org.learnchain.consensus.message.Proposal;
import org.learnchain.consensus.message.Vote;
import org.learnchain.consensus.message.WinnerCertificate;
import org.learnchain.consensus.message.WorkSection;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PublicKey;
import org.learnchain.crypto.Signature;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.MalformedEncodingException;
import org.learnchain.ledger.BlockHeader;
import org.learnchain.ledger.LedgerLimits;
import org.learnchain.ledger.state.EvidenceVerifier;

/**
 * Consensus's answer to the ledger's question "whom does this proof convict?" (see {@link
 * EvidenceProof} for the formats). Every check uses only the proof's own signed bytes and the chain
 * id, never local state or hardware-dependent computation, so every node reaches the same answer
 * for the same proof and height: a disagreement here would split the chain. That is why a winner's
 * model that fails to reproduce its predictions (a tolerance check whose outcome may depend on the
 * CPU) is not slashable; the block is rejected and the round falls back instead. Only the
 * deterministic fault of publishing a model other than the committed one is.
 *
 * <p>A proof is accepted only for messages of rounds in {@code [height - maxAgeRounds, height]},
 * where the window is the chain spec's {@code evidenceWindowRounds} at that height.
 */
public final class ConsensusEvidenceVerifier implements EvidenceVerifier {
  private final ChainDomains domains;
  private final LongUnaryOperator maxAgeAt;

  /**
   * @param maxAgeRounds how many rounds back an offence can still be proven (at least the unbonding
   *     delay, so that unstaking cannot outrun the evidence), the same at every height
   */
  public ConsensusEvidenceVerifier(ChainDomains domains, long maxAgeRounds) {
    this.domains = domains;
    this.maxAgeAt = height -> maxAgeRounds;
  }

  /**
   * A verifier whose evidence window at each height is the chain spec's {@code
   * evidenceWindowRounds} (docs/chain-spec.md).
   */
  public ConsensusEvidenceVerifier(ChainDomains domains, ProtocolSchedule schedule) {
    this.domains = domains;
    this.maxAgeAt = height -> schedule.at(height).evidenceWindowRounds();
  }

  @Override
  public Optional<PublicKey> offender(byte[] proof, long height) {
    Result<PublicKey> r = check(proof, height);
    return r.isOk() ? Optional.of(r.value()) : Optional.empty();
  }

  /** The offender, or why the proof proves nothing. */
  public Result<PublicKey> check(byte[] proof, long height) {
    try {
      CanonicalReader r = new CanonicalReader(proof);
      int version = r.u8();
      if (version != EvidenceProof.VERSION) {
        return Result.err("unsupported evidence version " + version);
      }
      int kind = r.u8();
      Result<PublicKey> out =
          switch (kind) {
            case EvidenceProof.CONFLICTING_CERTIFICATES ->
                conflictingPair(r, MessageType.WINNER_CERTIFICATE, height);
            case EvidenceProof.CONFLICTING_COMMITS ->
                conflictingPair(r, MessageType.MODEL_COMMIT, height);
            case EvidenceProof.CONFLICTING_VOTES ->
                conflictingPair(
                    r, r.u8() == 0 ? MessageType.PREVOTE : MessageType.PRECOMMIT, height);
            case EvidenceProof.CONFLICTING_PROPOSALS ->
                conflictingPair(r, MessageType.PROPOSAL, height);
            case EvidenceProof.CONFLICTING_BLOCKS -> conflictingBlocks(r, height);
            case EvidenceProof.INVALID_WINNER_BLOCK -> invalidWinnerBlock(r, height);
            default -> Result.err("unknown evidence kind " + kind);
          };
      if (out.isOk()) {
        r.end();
      }
      return out;
    } catch (MalformedEncodingException | IllegalArgumentException e) {
      return Result.err("malformed evidence: " + e.getMessage());
    }
  }

  private Result<PublicKey> conflictingPair(CanonicalReader r, MessageType kind, long height) {
    Result<ConsensusMessage> a = Codec.decode(kind, r.bytes(Codec.MAX_RANKING * 64 + 4096));
    Result<ConsensusMessage> b = Codec.decode(kind, r.bytes(Codec.MAX_RANKING * 64 + 4096));
    if (!a.isOk() || !b.isOk()) {
      return Result.err(!a.isOk() ? a.reason() : b.reason());
    }
    ConsensusMessage x = a.value();
    ConsensusMessage y = b.value();
    if (x.id().compareTo(y.id()) >= 0) {
      return Result.err("evidence pair not in canonical order (or identical)");
    }
    if (!x.signer().equals(y.signer())) {
      return Result.err("evidence messages have different signers");
    }
    if (x.round() != y.round()) {
      return Result.err("evidence messages are for different rounds");
    }
    boolean conflict =
        switch (kind) {
          case WINNER_CERTIFICATE ->
              ((WinnerCertificate) x).attempt() == ((WinnerCertificate) y).attempt();
          case MODEL_COMMIT -> true;
          case PREVOTE, PRECOMMIT ->
              ((Vote) x).bftRound() == ((Vote) y).bftRound()
                  && !((Vote) x).blockHash().equals(((Vote) y).blockHash());
          case PROPOSAL ->
              ((Proposal) x).bftRound() == ((Proposal) y).bftRound()
                  && ((Proposal) x).block().isEmpty()
                  && ((Proposal) y).block().isEmpty();
          default -> false;
        };
    if (!conflict) {
      return Result.err("messages do not conflict");
    }
    Optional<String> tooOld = ageProblem(x.round(), height);
    if (tooOld.isPresent()) {
      return Result.err(tooOld.get());
    }
    if (!x.verifySignature(domains) || !y.verifySignature(domains)) {
      return Result.err("evidence signature invalid");
    }
    return Result.ok(x.signer());
  }

  private Result<PublicKey> conflictingBlocks(CanonicalReader r, long height) {
    BlockHeader a = BlockHeader.read(r);
    Signature sa = r.signature();
    BlockHeader b = BlockHeader.read(r);
    Signature sb = r.signature();
    if (a.hash().compareTo(b.hash()) >= 0) {
      return Result.err("evidence blocks not in canonical order (or identical)");
    }
    if (!EvidenceProof.conflict(a, b)) {
      return Result.err("blocks do not conflict");
    }
    Optional<String> tooOld = ageProblem(a.height(), height);
    if (tooOld.isPresent()) {
      return Result.err(tooOld.get());
    }
    if (!a.verifySignature(sa, domains.chainId()) || !b.verifySignature(sb, domains.chainId())) {
      return Result.err("block signature invalid");
    }
    return Result.ok(a.proposer());
  }

  private Result<PublicKey> invalidWinnerBlock(CanonicalReader r, long height) {
    BlockHeader header = BlockHeader.read(r);
    Signature sig = r.signature();
    byte[] work = r.bytes(LedgerLimits.MAX_WORK_BYTES);
    Optional<String> tooOld = ageProblem(header.height(), height);
    if (tooOld.isPresent()) {
      return Result.err(tooOld.get());
    }
    if (!WorkSection.workHash(work).equals(header.workHash())) {
      return Result.err("work section does not match the header");
    }
    Result<WorkSection> decoded = WorkSection.decode(work);
    if (!decoded.isOk()) {
      return Result.err(decoded.reason());
    }
    if (!(decoded.value() instanceof WorkSection.Useful useful)) {
      return Result.err("not a useful-work block");
    }
    WinnerCertificate cert = useful.certificate();
    PublicKey winner = header.proposer();
    // The winner of a useful block is the miner at the block's attempt (its first consensus
    // round) in the certificate's ranking.
    if (cert.round() != header.round()
        || header.attempt() < 0
        || header.attempt() >= cert.ranking().size()
        || !cert.ranking().get(header.attempt()).miner().equals(winner)) {
      return Result.err("certificate does not rank the block's proposer at its attempt");
    }
    // The proposer vouched for the whole section by signing the header; its own prediction
    // commit names the model hash it is bound to.
    Optional<PredictionCommit> own =
        useful.predictions().stream().filter(p -> p.miner().equals(winner)).findFirst();
    Optional<ModelCommit> ownCommit =
        useful.commits().stream().filter(c -> c.miner().equals(winner)).findFirst();
    if (own.isEmpty() || ownCommit.isEmpty()) {
      return Result.err("block lacks the winner's own commit or prediction commit");
    }
    Hash published = useful.model().sha256();
    boolean mismatch =
        !published.equals(own.get().modelHash())
            || !published.equals(header.modelHash())
            || !ownCommit.get().opensWith(published);
    if (!mismatch) {
      return Result.err("the published model matches the winner's commitment");
    }
    if (!header.verifySignature(sig, domains.chainId())
        || !own.get().verifySignature(domains)
        || !ownCommit.get().verifySignature(domains)) {
      return Result.err("signature invalid");
    }
    return Result.ok(winner);
  }

  private Optional<String> ageProblem(long round, long height) {
    // Rounds are heights, so never negative. Without this check a signed message for a negative
    // round would stay inside the age window while height - maxAgeRounds is itself negative.
    if (round < 0) {
      return Optional.of("evidence from a negative round " + round);
    }
    if (round > height) {
      return Optional.of("evidence from a future round " + round);
    }
    if (round < height - maxAgeAt.applyAsLong(height)) {
      return Optional.of("evidence from round " + round + " is too old at height " + height);
    }
    return Optional.empty();
  }
}
