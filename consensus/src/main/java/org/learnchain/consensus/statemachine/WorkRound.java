package org.learnchain.consensus.statemachine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.learnchain.config.Role;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.evidence.EvidenceProof;
import org.learnchain.consensus.message.ConsensusMessage;
import org.learnchain.consensus.message.LabelReveal;
import org.learnchain.consensus.message.MisconductReport.Reason;
import org.learnchain.consensus.message.ModelCommit;
import org.learnchain.consensus.message.PredictionCommit;
import org.learnchain.consensus.message.TestReveal;
import org.learnchain.consensus.message.WinnerCertificate;
import org.learnchain.consensus.port.MlPort;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PublicKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The useful-work round of one height as every node follows it (docs/protocol.md section 3; this
 * node's own part is {@link MinerRole} and {@link SubmitterRole}): it checks each gossiped commit,
 * prediction, reveal and certificate against the round's deadlines and adopts a certificate only
 * once its ranking is the one this node recomputes. The adopted certificate orders the proposers of
 * the agreement ({@link RoundStateMachine}).
 */
final class WorkRound {
  private static final Logger LOG = LoggerFactory.getLogger(RoundStateMachine.class);

  private final PublicKey me;
  private final Committee committee;
  private final MlPort ml;
  private final EventQueue queue;
  private final Misconduct misconduct;
  private final MinerRole miner;
  private final Position at;

  WorkRound(
      PublicKey me,
      Committee committee,
      MlPort ml,
      EventQueue queue,
      Misconduct misconduct,
      MinerRole miner,
      Position at) {
    this.me = me;
    this.committee = committee;
    this.ml = ml;
    this.queue = queue;
    this.misconduct = misconduct;
    this.miner = miner;
    this.at = at;
  }

  /** The usable certificate of the current height: checked, and not contradicted by another. */
  Optional<WinnerCertificate> usableCertificate() {
    if (at.round.certificateConflict || at.round.certificate == null) {
      return Optional.empty();
    }
    return Optional.of(at.round.certificate);
  }

  /** The round's checks for one message, judged by its arrival time. */
  void applyToRound(ConsensusMessage m, long receivedAt) {
    RoundState rs = at.round;
    if (rs.problem.isEmpty() || m.round() != rs.height) {
      return;
    }
    RoundProblem p = rs.problem.get();
    if (m instanceof ModelCommit c) {
      acceptCommit(rs, p, c, receivedAt);
    } else if (m instanceof PredictionCommit pc) {
      acceptPrediction(rs, p, pc, receivedAt);
      maybeAdoptGossipedCertificate();
    } else if (m instanceof TestReveal t) {
      if (!p.submittedBy(t.submitter()) || !t.problemId().equals(p.id()) || rs.testReveal != null) {
        return;
      }
      if (receivedAt >= rs.schedule.evaluationDeadline()) {
        LOG.info("Late test reveal ignored round={}", rs.height);
        return;
      }
      if (t.salt().size() != BlockVerifier.SALT_BYTES || !t.matches(p.pending().testInputsHash())) {
        misconduct.report(
            rs.height, 0, t.submitter(), t.id(), Reason.BAD_REVEAL, "test reveal mismatch");
        return;
      }
      rs.testReveal = t;
      miner.maybePredict();
    } else if (m instanceof LabelReveal l) {
      if (!p.submittedBy(l.submitter())
          || !l.problemId().equals(p.id())
          || rs.labelReveal != null) {
        return;
      }
      if (l.salt().size() != BlockVerifier.SALT_BYTES || !l.matches(p.pending().testLabelsHash())) {
        misconduct.report(
            rs.height, 0, l.submitter(), l.id(), Reason.BAD_REVEAL, "label reveal mismatch");
        return;
      }
      rs.labelReveal = l;
      maybeAdoptGossipedCertificate();
    } else if (m instanceof WinnerCertificate wc) {
      acceptCertificate(rs, p, wc);
    }
  }

  void acceptCertificate(RoundState rs, RoundProblem p, WinnerCertificate wc) {
    if (!p.submittedBy(wc.submitter()) || !wc.problemId().equals(p.id()) || wc.attempt() != 0) {
      return;
    }
    if (!noteCertificate(wc)) {
      return;
    }
    maybeAdoptGossipedCertificate();
  }

  /**
   * Remembers a certificate of the round's submitter; a second, different one is equivocation
   * (evidence), whether or not either of them is valid. Returns whether it was new.
   */
  boolean noteCertificate(WinnerCertificate wc) {
    RoundState rs = at.round;
    if (rs.seenCertificates.contains(wc) || rs.seenCertificates.size() >= 4) {
      return false;
    }
    if (!rs.seenCertificates.isEmpty()) {
      WinnerCertificate first = rs.seenCertificates.get(0);
      LOG.warn(
          "Conflicting certificates round={} submitter={}", rs.height, wc.submitter().address());
      EvidenceProof.certificates(first, wc).ifPresent(misconduct::fileEvidence);
      misconduct.report(
          rs.height,
          wc.attempt(),
          wc.submitter(),
          wc.id(),
          Reason.EQUIVOCATION,
          "two certificates for one round");
    }
    rs.seenCertificates.add(wc);
    return true;
  }

  /**
   * A certificate whose ranking has been checked (against this node's predictions, or inside a
   * verified block). The first orders the proposers; a second, different one voids the ranking.
   */
  void adoptCertificate(WinnerCertificate wc, boolean verifiedInBlock) {
    RoundState rs = at.round;
    if (verifiedInBlock) {
      noteCertificate(wc);
    }
    if (rs.certificate == null) {
      rs.certificate = wc;
      LOG.debug("Certificate checked round={} ranked={}", rs.height, wc.ranking().size());
      // The proposer order just became known: act on it as the next event, not in the middle of
      // handling the message that taught it.
      queue.addOwn(new Event.Recheck());
    } else if (!rs.certificate.equals(wc) && !rs.certificateConflict) {
      rs.certificateConflict = true;
      LOG.warn("Two valid certificates, ranking void round={}", rs.height);
    }
  }

  /**
   * Checks the gossiped certificates' rankings against the predictions this node holds once it has
   * the labels: a ranking must list distinct miners, each with a timely commit and a prediction
   * that opens it, in exactly the order and with the scores this node computes.
   */
  void maybeAdoptGossipedCertificate() {
    RoundState rs = at.round;
    if (rs.labelReveal == null) {
      return;
    }
    for (WinnerCertificate wc : List.copyOf(rs.seenCertificates)) {
      if (wc.equals(rs.certificate)) {
        continue;
      }
      Set<PublicKey> distinct = new HashSet<>();
      boolean twice = false;
      for (WinnerCertificate.RankEntry e : wc.ranking()) {
        twice |= !distinct.add(e.miner());
      }
      if (twice) {
        misconduct.report(
            rs.height, 0, wc.submitter(), wc.id(), Reason.WRONG_RANKING, "miner ranked twice");
        continue;
      }
      Result<List<Ranking.Ranked>> mine = recompute(rs, wc);
      if (!mine.isOk()) {
        continue; // not every ranked miner's prediction is here (yet, or ever): wait for a block
      }
      List<Ranking.Ranked> ranked = mine.value();
      if (ranked.isEmpty()
          || !Ranking.entries(ranked).equals(wc.ranking())
          || !wc.winner().equals(ranked.get(0).commit().miner())
          || !wc.modelHash().equals(ranked.get(0).prediction().modelHash())
          || wc.score() != ranked.get(0).score()) {
        LOG.warn("Certificate ranking is wrong round={}", rs.height);
        misconduct.report(
            rs.height,
            0,
            wc.submitter(),
            wc.id(),
            Reason.WRONG_RANKING,
            "ranking differs from the recomputed one");
        continue;
      }
      reportOmissions(rs, wc);
      adoptCertificate(wc, false);
    }
  }

  void acceptCommit(RoundState rs, RoundProblem p, ModelCommit c, long receivedAt) {
    if (!c.problemId().equals(p.id()) || !committee.has(c.miner(), Role.MINER)) {
      return;
    }
    if (p.submittedBy(c.miner())) {
      LOG.warn(
          "Submitter tried to mine its own problem round={} submitter={}",
          rs.height,
          c.miner().address());
      misconduct.report(
          rs.height, 0, c.miner(), c.id(), Reason.SELF_MINING, "commit on own problem");
      return;
    }
    ModelCommit earlier = rs.commits.get(c.miner());
    if (earlier != null) {
      if (!earlier.equals(c)) {
        LOG.warn("Conflicting commits round={} miner={}", rs.height, c.miner().address());
        EvidenceProof.commits(earlier, c).ifPresent(misconduct::fileEvidence);
      }
      return;
    }
    if (receivedAt >= rs.schedule.trainingDeadline()) {
      LOG.info("Late commit ignored round={} miner={}", rs.height, c.miner().address());
      return;
    }
    rs.commits.put(c.miner(), c);
  }

  void acceptPrediction(RoundState rs, RoundProblem p, PredictionCommit pc, long receivedAt) {
    if (!pc.problemId().equals(p.id()) || rs.predictions.containsKey(pc.miner())) {
      return;
    }
    ModelCommit commit = rs.commits.get(pc.miner());
    if (commit == null) {
      return;
    }
    if (receivedAt >= rs.schedule.evaluationDeadline()) {
      LOG.info("Late prediction ignored round={} miner={}", rs.height, pc.miner().address());
      return;
    }
    if (!commit.opensWith(pc.modelHash())) {
      // A commitment copied from another miner (or a lie about the model) cannot be opened.
      LOG.warn(
          "Prediction does not open its commitment round={} miner={}",
          rs.height,
          pc.miner().address());
      return;
    }
    rs.predictions.put(pc.miner(), pc);
  }

  /** The ranking this node computes for a certificate's miners, or why it cannot. */
  Result<List<Ranking.Ranked>> recompute(RoundState rs, WinnerCertificate wc) {
    List<Ranking.Candidate> cands = new ArrayList<>();
    for (WinnerCertificate.RankEntry e : wc.ranking()) {
      ModelCommit c = rs.commits.get(e.miner());
      PredictionCommit pc = rs.predictions.get(e.miner());
      if (c == null || pc == null) {
        return Result.err("missing the commit or prediction of a ranked miner");
      }
      cands.add(new Ranking.Candidate(c, pc));
    }
    RoundProblem p = rs.problem.orElseThrow();
    return Result.ok(
        Ranking.rank(cands, p.spec(), rs.labelReveal.labels(), p.pending().testSampleCount(), ml));
  }

  /**
   * A certificate that leaves out a miner whose timely, opened prediction this node holds and can
   * score. Only reported: the block cannot prove when a message arrived, so another node may
   * honestly not have had it in time (a limit of the protocol, docs/protocol.md section 3).
   */
  void reportOmissions(RoundState rs, WinnerCertificate wc) {
    RoundProblem p = rs.problem.orElseThrow();
    java.util.Set<PublicKey> ranked = new HashSet<>();
    wc.ranking().forEach(e -> ranked.add(e.miner()));
    List<Ranking.Candidate> missing =
        rs.candidates().stream().filter(c -> !ranked.contains(c.commit().miner())).toList();
    if (missing.isEmpty()) {
      return;
    }
    List<Ranking.Ranked> scorable =
        Ranking.rank(missing, p.spec(), rs.labelReveal.labels(), p.pending().testSampleCount(), ml);
    if (!scorable.isEmpty()) {
      misconduct.report(
          rs.height,
          wc.attempt(),
          wc.submitter(),
          wc.id(),
          Reason.WRONG_RANKING,
          "certificate omits " + scorable.size() + " valid prediction(s)");
    }
  }

  boolean current(long height, Hash problemId) {
    return at.roundIs(height, problemId);
  }

  boolean eligibleMiner(RoundProblem p) {
    return committee.has(me, Role.MINER) && !p.submittedBy(me);
  }
}
