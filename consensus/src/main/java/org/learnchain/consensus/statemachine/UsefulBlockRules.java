package org.learnchain.consensus.statemachine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.learnchain.config.Genesis;
import org.learnchain.consensus.Verdict;
import org.learnchain.consensus.evidence.EvidenceProof;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.message.LabelReveal;
import org.learnchain.consensus.message.MisconductReport.Reason;
import org.learnchain.consensus.message.ModelCommit;
import org.learnchain.consensus.message.PredictionCommit;
import org.learnchain.consensus.message.TestReveal;
import org.learnchain.consensus.message.Vote;
import org.learnchain.consensus.message.WinnerCertificate;
import org.learnchain.consensus.message.WorkSection;
import org.learnchain.consensus.port.MlPort;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockHeader;
import org.learnchain.ledger.BlockOutcome;

/**
 * The rules of a useful-work block (docs/protocol.md, section 3, step 4; one {@link BlockRule}
 * each): the outcome pays the proposer and the parent commit's signers, the submitter's certificate
 * and both reveals match the round's problem, the block carries every commit and prediction the
 * ranking relies on, the ranking recomputed from them is the certificate's, the proposer is the
 * miner ranked at the block's attempt, and its model is the committed one, within the size limit
 * and, in {@link BlockVerifier.Mode#FULL}, reproduces its committed predictions.
 */
final class UsefulBlockRules {
  private final Genesis genesis;
  private final ChainDomains domains;
  private final MlPort ml;
  private final SignatureCache signatures;
  private final ModelCommitRule commitRule;

  UsefulBlockRules(
      Genesis genesis,
      ChainDomains domains,
      MlPort ml,
      SignatureCache signatures,
      ModelCommitRule commitRule) {
    this.genesis = genesis;
    this.domains = domains;
    this.ml = ml;
    this.signatures = signatures;
    this.commitRule = commitRule;
  }

  Optional<BlockVerifier.Rejected> verifyUseful(
      Block block,
      BlockOutcome.UsefulWork outcome,
      WorkSection work,
      List<Vote> parentCommit,
      Optional<RoundProblem> maybeProblem,
      RoundSchedule schedule,
      BlockVerifier.Mode mode) {
    BlockHeader h = block.header();
    PublicKey winner = h.proposer();
    if (maybeProblem.isEmpty() || !maybeProblem.get().id().equals(outcome.problemId())) {
      return Optional.of(
          BlockVerifier.reject(
              BlockRule.USEFUL_PROBLEM,
              "useful work for a problem other than the round's",
              Reason.INVALID_BLOCK,
              winner));
    }
    RoundProblem problem = maybeProblem.get();
    if (!(work instanceof WorkSection.Useful u)) {
      return Optional.of(
          BlockVerifier.reject(
              BlockRule.USEFUL_WORK_SECTION,
              "useful-work block without its proof",
              Reason.INVALID_BLOCK,
              winner));
    }
    if (!outcome.winner().equals(winner.address())) {
      return Optional.of(
          BlockVerifier.reject(
              BlockRule.USEFUL_PAYS_PROPOSER,
              "outcome pays someone other than the proposer",
              Reason.INVALID_BLOCK,
              winner));
    }
    List<Address> signers = parentCommit.stream().map(v -> v.validator().address()).toList();
    if (!signers.equals(outcome.attesters())) {
      return Optional.of(
          BlockVerifier.reject(
              BlockRule.USEFUL_PAYS_COMMIT_SIGNERS,
              "outcome pays other validators than the signers of the parent commit",
              Reason.INVALID_BLOCK,
              winner));
    }
    if (problem.submitterKey().isEmpty()) {
      return Optional.of(
          BlockVerifier.reject(
              BlockRule.SUBMITTER_MEMBER,
              "the problem's submitter is not a member",
              Reason.INVALID_BLOCK,
              winner));
    }
    WinnerCertificate cert = u.certificate();
    PublicKey submitter = problem.submitterKey().get();
    if (!cert.submitter().equals(submitter)
        || cert.round() != h.height()
        || !cert.problemId().equals(problem.id())
        || cert.attempt() != 0
        || !cert.id().equals(h.certificateHash())) {
      return Optional.of(
          BlockVerifier.reject(
              BlockRule.CERTIFICATE_MATCHES,
              "certificate does not match the block",
              Reason.INVALID_BLOCK,
              winner));
    }
    if (!signatures.verify(cert, domains)) {
      return Optional.of(
          BlockVerifier.reject(
              BlockRule.CERTIFICATE_SIGNATURE,
              "certificate signature invalid",
              Reason.INVALID_BLOCK,
              winner));
    }
    if (h.timestampMs() < schedule.earliestUsefulBlock()) {
      return Optional.of(
          BlockVerifier.reject(
              BlockRule.USEFUL_NOT_BEFORE_AWARD,
              "useful block before the evaluation deadline",
              Reason.INVALID_BLOCK,
              winner));
    }
    TestReveal test = u.testReveal();
    LabelReveal labels = u.labelReveal();
    if (!test.submitter().equals(submitter)
        || test.round() != h.height()
        || !test.problemId().equals(problem.id())
        || test.salt().size() != BlockVerifier.SALT_BYTES
        || !test.matches(problem.pending().testInputsHash())
        || !signatures.verify(test, domains)) {
      return Optional.of(
          BlockVerifier.reject(
              BlockRule.TEST_REVEAL, "test reveal invalid", Reason.BAD_REVEAL, submitter));
    }
    if (!labels.submitter().equals(submitter)
        || labels.round() != h.height()
        || !labels.problemId().equals(problem.id())
        || labels.salt().size() != BlockVerifier.SALT_BYTES
        || !labels.matches(problem.pending().testLabelsHash())
        || !signatures.verify(labels, domains)) {
      return Optional.of(
          BlockVerifier.reject(
              BlockRule.LABEL_REVEAL, "label reveal invalid", Reason.BAD_REVEAL, submitter));
    }
    List<WinnerCertificate.RankEntry> ranking = cert.ranking();
    if (u.commits().size() != ranking.size() || u.predictions().size() != ranking.size()) {
      return Optional.of(
          BlockVerifier.reject(
              BlockRule.RANKED_COMMITS_CARRIED,
              "block carries other commits than the ranking",
              Reason.INVALID_BLOCK,
              winner));
    }
    if (h.attempt() >= ranking.size()) {
      return Optional.of(
          BlockVerifier.reject(
              BlockRule.ATTEMPT_WITHIN_RANKING,
              "attempt beyond the ranking",
              Reason.WRONG_RANKING,
              submitter));
    }
    List<Ranking.Candidate> candidates = new ArrayList<>(ranking.size());
    Set<PublicKey> seen = new HashSet<>();
    for (int i = 0; i < ranking.size(); i++) {
      ModelCommit c = u.commits().get(i);
      PredictionCommit p = u.predictions().get(i);
      PublicKey miner = ranking.get(i).miner();
      if (!c.miner().equals(miner) || !p.miner().equals(miner) || !seen.add(miner)) {
        return Optional.of(
            BlockVerifier.reject(
                BlockRule.RANKING_ORDER,
                "commits not in ranking order",
                Reason.INVALID_BLOCK,
                winner));
      }
      Optional<BlockRule> bad = commitRule.check(c, problem, h.height());
      if (bad.isPresent()) {
        return Optional.of(
            BlockVerifier.reject(
                bad.get(), bad.get().description(), Reason.WRONG_RANKING, submitter));
      }
      if (p.round() != h.height() || !p.problemId().equals(problem.id())) {
        return Optional.of(
            BlockVerifier.reject(
                BlockRule.PREDICTION_ROUND,
                "prediction for another round or problem",
                Reason.WRONG_RANKING,
                submitter));
      }
      if (!signatures.verify(p, domains)) {
        return Optional.of(
            BlockVerifier.reject(
                BlockRule.PREDICTION_SIGNATURE,
                "prediction with a bad signature",
                Reason.INVALID_BLOCK,
                winner));
      }
      candidates.add(new Ranking.Candidate(c, p));
    }
    List<Ranking.Ranked> recomputed =
        Ranking.rank(
            candidates, problem.spec(), labels.labels(), problem.pending().testSampleCount(), ml);
    if (!Ranking.entries(recomputed).equals(ranking)) {
      return Optional.of(
          BlockVerifier.reject(
              BlockRule.RANKING_RECOMPUTED,
              "the certificate's ranking is not the recomputed one",
              Reason.WRONG_RANKING,
              submitter));
    }
    Ranking.Ranked first = recomputed.get(0);
    if (!cert.winner().equals(first.commit().miner())
        || cert.score() != first.score()
        || !cert.modelHash().equals(first.prediction().modelHash())) {
      return Optional.of(
          BlockVerifier.reject(
              BlockRule.CERTIFICATE_WINNER,
              "certificate crowns the wrong miner or score",
              Reason.WRONG_RANKING,
              submitter));
    }
    // The proposer of consensus round r of a useful height is the miner ranked r-th.
    Ranking.Ranked won = recomputed.get(h.attempt());
    if (!won.commit().miner().equals(winner)) {
      return Optional.of(
          BlockVerifier.reject(
              BlockRule.PROPOSER_RANKED,
              "proposer is not the miner ranked at the block's attempt",
              Reason.INVALID_BLOCK,
              winner));
    }
    // From here on the round was certified correctly: what remains is the winner's own proof.
    Hash published = u.model().sha256();
    if (!published.equals(won.prediction().modelHash()) || !published.equals(h.modelHash())) {
      return Optional.of(
          new BlockVerifier.Rejected(
              BlockRule.MODEL_COMMITTED,
              "published model does not match the winner's commitment",
              Reason.MODEL_MISMATCH,
              winner,
              Optional.of(EvidenceProof.invalidWinnerBlock(block))));
    }
    if (u.model().size() > genesis.spec(h.height()).maxModelBytes()) {
      return Optional.of(
          BlockVerifier.reject(
              BlockRule.MODEL_SIZE,
              "model exceeds the chain's size limit",
              Reason.PREDICTIONS_NOT_REPRODUCED,
              winner));
    }
    if (mode == BlockVerifier.Mode.DETERMINISTIC) {
      return Optional.empty();
    }
    Verdict v =
        ml.verify(
            problem.spec(),
            genesis.limitsAt(h.height()),
            u.model(),
            test.testInputs(),
            won.prediction().predictions(),
            genesis.verificationTolerance());
    if (!v.isValid()) {
      return Optional.of(
          BlockVerifier.reject(
              BlockRule.MODEL_REPRODUCES,
              "model check failed: " + v.reason(),
              Reason.PREDICTIONS_NOT_REPRODUCED,
              winner));
    }
    return Optional.empty();
  }
}
