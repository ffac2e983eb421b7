package org.learnchain.consensus.statemachine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.learnchain.config.Genesis;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.message.ModelCommit;
import org.learnchain.consensus.message.Proposal;
import org.learnchain.consensus.message.Vote;
import org.learnchain.consensus.message.WinnerCertificate;
import org.learnchain.consensus.message.WorkSection;
import org.learnchain.consensus.port.ChainPort;
import org.learnchain.consensus.port.Clock;
import org.learnchain.consensus.port.ConsensusPorts;
import org.learnchain.consensus.port.JournalSlot;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockHeader;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.state.StateTransition;
import org.learnchain.ledger.state.TransitionResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds this node's new proposals (docs/consensus.md, proposers): a useful-work block when this
 * miner is the one ranked for the round (its model, the certificate, the ranked commits and
 * predictions, both reveals), and otherwise, at a validator's turn and not before the schedule
 * allows a block without useful work, a wasted block (the submitter failed; the committed miners
 * share the bounty) or an idle block. Each proposal is journaled before it is sent, so a restart
 * re-sends it instead of proposing again. Re-proposing a valid block stays with the agreement.
 */
final class Proposer {
  private static final Logger LOG = LoggerFactory.getLogger(RoundStateMachine.class);

  /** Where a proposal goes, and how building one waits for its time. */
  interface Outlet {
    void schedule(Event.Phase phase, int bftRound, long atMs);

    /** Sends a signed proposal and feeds it to this node's own agreement. */
    void sendProposal(Proposal p);
  }

  private final Genesis genesis;
  private final ChainDomains domains;
  private final PrivateKey key;
  private final PublicKey me;
  private final Clock clock;
  private final ChainPort chain;
  private final SignOnce once;
  private final WorkRound workRound;
  private final Position at;
  private final Outlet out;

  Proposer(
      Genesis genesis,
      ChainDomains domains,
      PrivateKey key,
      ConsensusPorts ports,
      SignOnce once,
      WorkRound workRound,
      Position at,
      Outlet out) {
    this.genesis = genesis;
    this.domains = domains;
    this.key = key;
    this.me = key.publicKey();
    this.clock = ports.clock();
    this.chain = ports.chain();
    this.once = once;
    this.workRound = workRound;
    this.at = at;
    this.out = out;
  }

  void proposeUseful(int r) {
    RoundState rs = at.round;
    WinnerCertificate wc = workRound.usableCertificate().orElseThrow();
    if (rs.myModel == null || rs.testReveal == null || rs.labelReveal == null) {
      LOG.warn(
          "Ranked to propose but missing the model or a reveal height={} round={}",
          at.cur.height,
          r);
      return;
    }
    Result<List<Ranking.Ranked>> mine = workRound.recompute(rs, wc);
    if (!mine.isOk()) {
      LOG.warn("Cannot build the useful block height={} reason={}", at.cur.height, mine.reason());
      return;
    }
    Ranking.Ranked self = mine.value().get(r);
    if (!self.prediction().modelHash().equals(rs.myModel.hash())) {
      LOG.warn("Ranked for a model this node does not hold height={} round={}", at.cur.height, r);
      return;
    }
    RoundProblem p = rs.problem.orElseThrow();
    List<Vote> commit = parentCommit();
    List<Address> signers = commit.stream().map(v -> v.validator().address()).toList();
    BlockOutcome outcome = new BlockOutcome.UsefulWork(p.id(), me.address(), signers);
    WorkSection work =
        new WorkSection.Useful(
            wc,
            mine.value().stream().map(Ranking.Ranked::commit).toList(),
            mine.value().stream().map(Ranking.Ranked::prediction).toList(),
            rs.testReveal,
            rs.labelReveal,
            rs.myModel.bytes(),
            commit);
    LOG.info("Proposing useful-work block height={} round={}", at.cur.height, r);
    proposeNew(
        r,
        outcome,
        work,
        p.id(),
        self.prediction().modelHash(),
        wc.id(),
        rs.schedule.earliestUsefulBlock());
  }

  void proposeFallback(int r) {
    RoundState rs = at.round;
    long earliest = rs.schedule.earliestFallbackBlock(rs.problem.isPresent());
    if (clock.nowMs() < earliest) {
      out.schedule(Event.Phase.PROPOSER_ACT, r, earliest);
      return;
    }
    List<Vote> commit = parentCommit();
    if (rs.problem.isEmpty()) {
      proposeNew(
          r,
          new BlockOutcome.Idle(),
          new WorkSection.Idle(commit),
          Hash.ZERO,
          Hash.ZERO,
          Hash.ZERO,
          earliest);
      return;
    }
    RoundProblem p = rs.problem.get();
    List<ModelCommit> commits = new ArrayList<>(rs.commits.values());
    commits.sort(Comparator.comparing(ModelCommit::miner));
    if (submitterFailed() && !commits.isEmpty()) {
      LOG.info(
          "Proposing to close a wasted round height={} committers={}",
          at.cur.height,
          commits.size());
      List<Address> committers = commits.stream().map(c -> c.miner().address()).toList();
      proposeNew(
          r,
          new BlockOutcome.Wasted(p.id(), committers),
          new WorkSection.Wasted(p.id(), commits, commit),
          p.id(),
          Hash.ZERO,
          Hash.ZERO,
          earliest);
    } else {
      LOG.info("Proposing to close a round without a winner height={} round={}", at.cur.height, r);
      proposeNew(
          r,
          new BlockOutcome.Idle(),
          new WorkSection.Idle(commit),
          Hash.ZERO,
          Hash.ZERO,
          Hash.ZERO,
          earliest);
    }
  }

  /** The submitter did not do its part: no test or label reveal, or no usable certificate. */
  boolean submitterFailed() {
    RoundState rs = at.round;
    return rs.testReveal == null
        || rs.labelReveal == null
        || workRound.usableCertificate().isEmpty();
  }

  List<Vote> parentCommit() {
    return at.cur.height == 1 || at.lastCommit == null ? List.of() : at.lastCommit.precommits();
  }

  void proposeNew(
      int r,
      BlockOutcome outcome,
      WorkSection work,
      Hash problemId,
      Hash modelHash,
      Hash certificateHash,
      long earliest) {
    RoundState rs = at.round;
    Proposal p =
        once.message(
            at.cur.height,
            JournalSlot.of(JournalSlot.Kind.PROPOSAL, r),
            MessageType.PROPOSAL,
            Proposal.class,
            () -> {
              StateTransition.Assembly asm = chain.assemble(rs.parentState, rs.height, me, outcome);
              if (asm.result() instanceof TransitionResult.Rejected rej) {
                throw new IllegalStateException("own block body rejected: " + rej.rejection());
              }
              TransitionResult.Applied applied = (TransitionResult.Applied) asm.result();
              byte[] workBytes = work.encode();
              long ts =
                  Math.max(Math.max(clock.nowMs(), earliest), rs.parent.header().timestampMs() + 1);
              BlockHeader header =
                  new BlockHeader(
                      rs.height,
                      rs.parent.hash(),
                      ts,
                      rs.height,
                      r,
                      problemId,
                      Block.txRoot(asm.included()),
                      Block.workHash(workBytes),
                      applied.stateRoot(),
                      modelHash,
                      certificateHash,
                      me);
              Block block =
                  new Block(
                      header,
                      header.sign(key, genesis.chainId()),
                      outcome,
                      asm.included(),
                      workBytes);
              return Proposal.sign(domains, key, r, -1, block);
            });
    out.sendProposal(p);
  }
}
