package org.learnchain.consensus.statemachine;

import java.util.Optional;
import org.learnchain.consensus.ConsensusConfig;
import org.learnchain.consensus.message.MisconductReport.Reason;
import org.learnchain.consensus.message.Proposal;
import org.learnchain.consensus.message.WinnerCertificate;
import org.learnchain.consensus.message.WorkSection;
import org.learnchain.consensus.port.Clock;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockHeader;
import org.learnchain.ledger.BlockOutcome;

/**
 * Who proposes each consensus round of the current height, and what a proposal must be for this
 * node to prevote for it (docs/consensus.md, "proposers" and "prevote"): the block's full verdict
 * (computed once per block and height, the model re-run included) and, for a fresh proposal, the
 * rules that protect useful work. These depend on this node's view and time, so they decide only
 * its prevote, never whether a committed block is applied.
 */
final class ProposalRules {
  private final ConsensusConfig config;
  private final Committee committee;
  private final Clock clock;
  private final BlockVerifier verifier;
  private final Misconduct misconduct;
  private final WorkRound work;
  private final Position at;

  ProposalRules(Voting.Parts parts, Position at) {
    this.config = parts.config();
    this.committee = parts.committee();
    this.clock = parts.clock();
    this.verifier = parts.verifier();
    this.misconduct = parts.misconduct();
    this.work = parts.work();
    this.at = at;
  }

  /**
   * The proposer of consensus round {@code r} at the current height as this node knows it: the
   * miner ranked r-th by the usable certificate, or else the validator whose turn it is. Nodes that
   * know different certificates disagree here only until the certificate reaches them (it is
   * gossiped and carried in every useful proposal), which costs rounds, never safety.
   */
  PublicKey proposerOf(int r) {
    Optional<WinnerCertificate> c = work.usableCertificate();
    if (at.round.problem.isPresent() && c.isPresent() && r < c.get().ranking().size()) {
      return c.get().ranking().get(r).miner();
    }
    return committee.proposerTurn(at.cur.height, r);
  }

  boolean rankedRound(int r) {
    Optional<WinnerCertificate> c = work.usableCertificate();
    return at.round.problem.isPresent() && c.isPresent() && r < c.get().ranking().size();
  }

  /** The full verdict on a candidate block of the current height, computed once. */
  BlockVerifier.Outcome verdict(Block b) {
    BlockVerifier.Outcome v = at.cur.verdicts.get(b.hash());
    if (v != null) {
      return v;
    }
    if (misconduct.isInvalid(b.hash())) {
      v =
          new BlockVerifier.Rejected(
              BlockRule.KNOWN_INVALID,
              BlockRule.KNOWN_INVALID.description(),
              Reason.INVALID_BLOCK,
              b.header().proposer(),
              Optional.empty());
    } else {
      v = verifier.verify(b, at.cur.parent, at.cur.parentState, BlockVerifier.Mode.FULL);
    }
    at.cur.verdicts.put(b.hash(), v);
    if (v instanceof BlockVerifier.Rejected r) {
      misconduct.onInvalidBlock(b, r);
    } else if (WorkSection.decode(b.work()).value() instanceof WorkSection.Useful u) {
      work.adoptCertificate(u.certificate(), true);
    }
    return v;
  }

  boolean valid(Block b) {
    return verdict(b) instanceof BlockVerifier.Accepted;
  }

  /**
   * The rules a fresh proposal (not backed by a proof of lock) must pass beyond the block's own
   * validity; they depend on this node's view and time, so they decide only its prevote.
   */
  boolean freshProposalOk(Proposal p, Block b) {
    BlockHeader h = b.header();
    if (!h.proposer().equals(p.proposer()) || h.attempt() != p.bftRound()) {
      return false;
    }
    if (b.outcome() instanceof BlockOutcome.UsefulWork) {
      return true;
    }
    if (at.cur.validBlock != null
        && at.cur.validBlock.outcome() instanceof BlockOutcome.UsefulWork) {
      // A useful block that gathered a quorum of prevotes is never displaced by a fresh one
      // without useful work.
      return false;
    }
    if (at.round.problem.isPresent()) {
      if (clock.nowMs() + config.maxClockDriftMs() < at.round.schedule.awardDeadline()) {
        return false;
      }
      if (rankedRound(p.bftRound())) {
        return false;
      }
      // The round was not wasted if this node holds the submitter's certificate.
      return !(b.outcome() instanceof BlockOutcome.Wasted) || work.usableCertificate().isEmpty();
    }
    return true;
  }
}
