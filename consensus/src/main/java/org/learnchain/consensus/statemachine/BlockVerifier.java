package org.learnchain.consensus.statemachine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.learnchain.config.Genesis;
import org.learnchain.config.Role;
import org.learnchain.consensus.ConsensusConfig;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.Verdict;
import org.learnchain.consensus.evidence.EvidenceProof;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.message.CommitCertificate;
import org.learnchain.consensus.message.LabelReveal;
import org.learnchain.consensus.message.MisconductReport.Reason;
import org.learnchain.consensus.message.ModelCommit;
import org.learnchain.consensus.message.PredictionCommit;
import org.learnchain.consensus.message.TestReveal;
import org.learnchain.consensus.message.Vote;
import org.learnchain.consensus.message.WinnerCertificate;
import org.learnchain.consensus.message.WorkSection;
import org.learnchain.consensus.port.ChainPort;
import org.learnchain.consensus.port.MlPort;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockHeader;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.PendingProblem;
import org.learnchain.ledger.state.TransitionResult;
import org.learnchain.ledger.state.WorldState;

/**
 * Full verification of a block on its parent (docs/protocol.md section 3, step 4), from the block
 * alone: header and body consistency, the proposer's right to the slot, the certificate, both
 * reveals, every commit and prediction the ranking relies on, the recomputed ranking, the model
 * against its commitment, limits and committed predictions, the parent's attestations, and finally
 * the ledger's state transition and state root. Deterministic except for the model check, which
 * tolerates hardware differences up to the genesis tolerance.
 */
public final class BlockVerifier {
  /** Salt length of the test commitments: fixed, so {@code H(salt || data)} has one split. */
  public static final int SALT_BYTES = 32;

  private final Genesis genesis;
  private final ChainDomains domains;
  private final Committee committee;
  private final ChainPort chain;
  private final MlPort ml;
  private final SignatureCache signatures;

  public BlockVerifier(
      ConsensusConfig config,
      ChainDomains domains,
      Committee committee,
      ChainPort chain,
      MlPort ml,
      SignatureCache signatures) {
    this.genesis = config.genesis();
    this.domains = domains;
    this.committee = committee;
    this.chain = chain;
    this.ml = ml;
    this.signatures = signatures;
  }

  /** The verdict on a block. */
  public sealed interface Outcome {}

  /** How much of a block to check. */
  public enum Mode {
    /** Every rule, the model's re-run on the test inputs included: what decides a prevote. */
    FULL,
    /**
     * Every rule whose outcome is the same on every machine: what a committed block must pass
     * before it is applied. The model's re-run is left out because its outcome may depend on
     * hardware; a committed block is applied even where the local re-run disagrees.
     */
    DETERMINISTIC
  }

  /**
   * The block is valid; {@code applied} is its state, {@code parentCommit} the commit it carries.
   */
  public record Accepted(TransitionResult.Applied applied, List<Vote> parentCommit)
      implements Outcome {}

  /**
   * The block is invalid.
   *
   * @param rule the rule the block breaks (one code per rule, see {@link BlockRule})
   * @param reason the rule's failure in words, with details for the log
   * @param accused who is at fault (the proposer, or the submitter for a wrong certificate)
   * @param evidence a slashing proof when the fault is provable to every node
   */
  public record Rejected(
      BlockRule rule, String reason, Reason code, PublicKey accused, Optional<byte[]> evidence)
      implements Outcome {}

  private static Rejected reject(BlockRule rule, String reason, Reason code, PublicKey accused) {
    return new Rejected(rule, reason, code, accused, Optional.empty());
  }

  /** The problem of the round after {@code parentState}, with its submitter's key. */
  public Optional<RoundProblem> problemFor(WorldState parentState) {
    Optional<PendingProblem> p = parentState.selectProblem();
    if (p.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(RoundProblem.of(p.get(), committee.keyOf(p.get().submitter())));
  }

  public Outcome verify(Block block, Block parent, WorldState parentState) {
    return verify(block, parent, parentState, Mode.FULL);
  }

  public Outcome verify(Block block, Block parent, WorldState parentState, Mode mode) {
    BlockHeader h = block.header();
    PublicKey proposer = h.proposer();
    if (h.height() != parent.height() + 1 || !h.prevHash().equals(parent.hash())) {
      return reject(
          BlockRule.PARENT_LINK,
          "block does not extend its parent",
          Reason.INVALID_BLOCK,
          proposer);
    }
    if (h.round() != h.height()) {
      return reject(
          BlockRule.ROUND_IS_HEIGHT,
          "round " + h.round() + " differs from height",
          Reason.INVALID_BLOCK,
          proposer);
    }
    if (h.attempt() < 0) {
      return reject(
          BlockRule.ATTEMPT_NON_NEGATIVE, "negative attempt", Reason.INVALID_BLOCK, proposer);
    }
    if (h.timestampMs() <= parent.header().timestampMs()) {
      return reject(
          BlockRule.TIMESTAMP_AFTER_PARENT,
          "timestamp not after the parent's",
          Reason.INVALID_BLOCK,
          proposer);
    }
    if (!block.verifySignature(genesis.chainId())) {
      return reject(
          BlockRule.PROPOSER_SIGNATURE, "bad proposer signature", Reason.INVALID_BLOCK, proposer);
    }
    Optional<String> body = block.checkBody();
    if (body.isPresent()) {
      return reject(BlockRule.BODY_CONSISTENT, body.get(), Reason.INVALID_BLOCK, proposer);
    }
    // The chain spec's block budget (docs/chain-spec.md): a p2p frame carries every valid block.
    int maxBlockBytes = genesis.spec(h.height()).maxBlockBytes();
    int size = block.encode().length;
    if (size > maxBlockBytes) {
      return reject(
          BlockRule.BLOCK_SIZE,
          "block of " + size + " bytes exceeds the chain spec's maxBlockBytes " + maxBlockBytes,
          Reason.INVALID_BLOCK,
          proposer);
    }
    Result<WorkSection> work = WorkSection.decode(block.work());
    if (!work.isOk()) {
      return reject(BlockRule.WORK_SECTION_DECODES, work.reason(), Reason.INVALID_BLOCK, proposer);
    }
    List<Vote> commit = work.value().parentCommit();
    Result<Boolean> commitOk = checkParentCommit(commit, parent);
    if (!commitOk.isOk()) {
      return reject(BlockRule.PARENT_COMMIT, commitOk.reason(), Reason.INVALID_BLOCK, proposer);
    }
    RoundSchedule schedule = new RoundSchedule(parent.header().timestampMs(), genesis.rounds());
    Optional<RoundProblem> problem = problemFor(parentState);
    Optional<Rejected> specific;
    if (block.outcome() instanceof BlockOutcome.UsefulWork u) {
      specific = verifyUseful(block, u, work.value(), commit, problem, schedule, mode);
    } else if (block.outcome() instanceof BlockOutcome.Wasted w) {
      specific = verifyWasted(block, w, work.value(), problem, schedule);
    } else {
      specific = verifyIdle(block, work.value(), problem, schedule);
    }
    if (specific.isPresent()) {
      return specific.get();
    }
    TransitionResult result = chain.apply(parentState, h, block.transactions(), block.outcome());
    if (result instanceof TransitionResult.Rejected r) {
      return reject(
          BlockRule.LEDGER_TRANSITION,
          "ledger rejected the block: " + r.rejection(),
          Reason.INVALID_BLOCK,
          proposer);
    }
    TransitionResult.Applied applied = (TransitionResult.Applied) result;
    if (!applied.stateRoot().equals(h.stateRoot())) {
      return reject(
          BlockRule.STATE_ROOT,
          "state root mismatch: header "
              + h.stateRoot().toShortHex()
              + " computed "
              + applied.stateRoot().toShortHex(),
          Reason.INVALID_BLOCK,
          proposer);
    }
    return new Accepted(applied, commit);
  }

  /**
   * Every block above height 1 carries its parent's commit, so the chain can be checked from
   * genesis with the validator set alone; block 1's parent is genesis, which needs none.
   */
  private Result<Boolean> checkParentCommit(List<Vote> commit, Block parent) {
    if (parent.height() == 0) {
      return commit.isEmpty()
          ? Result.ok(Boolean.TRUE)
          : Result.err("block 1 carries a commit, but genesis has none");
    }
    return CommitCertificate.check(
        parent.height(),
        parent.hash(),
        commit,
        committee.quorum(),
        committee::isValidator,
        v -> signatures.verify(v, domains));
  }

  private Optional<Rejected> verifyIdle(
      Block block, WorkSection work, Optional<RoundProblem> problem, RoundSchedule schedule) {
    BlockHeader h = block.header();
    if (!(work instanceof WorkSection.Idle)) {
      return Optional.of(
          reject(
              BlockRule.IDLE_WORK_SECTION,
              "idle block with a work section of another kind",
              Reason.INVALID_BLOCK,
              h.proposer()));
    }
    return checkTurn(h, schedule.earliestFallbackBlock(problem.isPresent()));
  }

  private Optional<Rejected> checkTurn(BlockHeader h, long earliest) {
    if (!committee.proposerTurn(h.height(), h.attempt()).equals(h.proposer())) {
      return Optional.of(
          reject(
              BlockRule.PROPOSER_TURN,
              "proposer is not the validator of round " + h.attempt(),
              Reason.INVALID_BLOCK,
              h.proposer()));
    }
    if (h.timestampMs() < earliest) {
      return Optional.of(
          reject(
              BlockRule.FALLBACK_NOT_BEFORE_DEADLINE,
              "block is earlier than blocks without useful work may be",
              Reason.INVALID_BLOCK,
              h.proposer()));
    }
    return Optional.empty();
  }

  private Optional<Rejected> verifyWasted(
      Block block,
      BlockOutcome.Wasted outcome,
      WorkSection work,
      Optional<RoundProblem> problem,
      RoundSchedule schedule) {
    BlockHeader h = block.header();
    PublicKey proposer = h.proposer();
    if (problem.isEmpty() || !problem.get().id().equals(outcome.problemId())) {
      return Optional.of(
          reject(
              BlockRule.WASTED_PROBLEM,
              "wasted outcome for a problem other than the round's",
              Reason.INVALID_BLOCK,
              proposer));
    }
    if (!(work instanceof WorkSection.Wasted w) || !w.problemId().equals(outcome.problemId())) {
      return Optional.of(
          reject(
              BlockRule.WASTED_WORK_SECTION,
              "wasted block without its commits",
              Reason.INVALID_BLOCK,
              proposer));
    }
    if (!h.problemId().equals(outcome.problemId())
        || !h.modelHash().equals(Hash.ZERO)
        || !h.certificateHash().equals(Hash.ZERO)) {
      return Optional.of(
          reject(
              BlockRule.WASTED_HEADER,
              "wasted block header fields",
              Reason.INVALID_BLOCK,
              proposer));
    }
    Optional<Rejected> turn = checkTurn(h, schedule.earliestFallbackBlock(true));
    if (turn.isPresent()) {
      return turn;
    }
    if (w.commits().isEmpty()) {
      return Optional.of(
          reject(
              BlockRule.WASTED_HAS_COMMITTERS,
              "wasted block without committers",
              Reason.INVALID_BLOCK,
              proposer));
    }
    List<Address> committers = new ArrayList<>();
    PublicKey previous = null;
    for (ModelCommit c : w.commits()) {
      Optional<BlockRule> bad = checkCommit(c, problem.get(), h.height());
      if (bad.isPresent()) {
        return Optional.of(
            reject(bad.get(), bad.get().description(), Reason.INVALID_BLOCK, proposer));
      }
      if (previous != null && previous.compareTo(c.miner()) >= 0) {
        return Optional.of(
            reject(
                BlockRule.WASTED_COMMITS_SORTED,
                "commits not sorted by miner or duplicated",
                Reason.INVALID_BLOCK,
                proposer));
      }
      previous = c.miner();
      committers.add(c.miner().address());
    }
    if (!committers.equals(outcome.committers())) {
      return Optional.of(
          reject(
              BlockRule.WASTED_COMMITTERS_MATCH,
              "committers differ from the commits carried",
              Reason.INVALID_BLOCK,
              proposer));
    }
    return Optional.empty();
  }

  private Optional<BlockRule> checkCommit(ModelCommit c, RoundProblem problem, long height) {
    if (c.round() != height || !c.problemId().equals(problem.id())) {
      return Optional.of(BlockRule.COMMIT_ROUND);
    }
    if (!committee.has(c.miner(), Role.MINER)) {
      return Optional.of(BlockRule.COMMIT_FROM_MINER);
    }
    if (problem.submittedBy(c.miner())) {
      return Optional.of(BlockRule.COMMIT_NOT_SUBMITTER);
    }
    if (!signatures.verify(c, domains)) {
      return Optional.of(BlockRule.COMMIT_SIGNATURE);
    }
    return Optional.empty();
  }

  private Optional<Rejected> verifyUseful(
      Block block,
      BlockOutcome.UsefulWork outcome,
      WorkSection work,
      List<Vote> parentCommit,
      Optional<RoundProblem> maybeProblem,
      RoundSchedule schedule,
      Mode mode) {
    BlockHeader h = block.header();
    PublicKey winner = h.proposer();
    if (maybeProblem.isEmpty() || !maybeProblem.get().id().equals(outcome.problemId())) {
      return Optional.of(
          reject(
              BlockRule.USEFUL_PROBLEM,
              "useful work for a problem other than the round's",
              Reason.INVALID_BLOCK,
              winner));
    }
    RoundProblem problem = maybeProblem.get();
    if (!(work instanceof WorkSection.Useful u)) {
      return Optional.of(
          reject(
              BlockRule.USEFUL_WORK_SECTION,
              "useful-work block without its proof",
              Reason.INVALID_BLOCK,
              winner));
    }
    if (!outcome.winner().equals(winner.address())) {
      return Optional.of(
          reject(
              BlockRule.USEFUL_PAYS_PROPOSER,
              "outcome pays someone other than the proposer",
              Reason.INVALID_BLOCK,
              winner));
    }
    List<Address> signers = parentCommit.stream().map(v -> v.validator().address()).toList();
    if (!signers.equals(outcome.attesters())) {
      return Optional.of(
          reject(
              BlockRule.USEFUL_PAYS_COMMIT_SIGNERS,
              "outcome pays other validators than the signers of the parent commit",
              Reason.INVALID_BLOCK,
              winner));
    }
    if (problem.submitterKey().isEmpty()) {
      return Optional.of(
          reject(
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
          reject(
              BlockRule.CERTIFICATE_MATCHES,
              "certificate does not match the block",
              Reason.INVALID_BLOCK,
              winner));
    }
    if (!signatures.verify(cert, domains)) {
      return Optional.of(
          reject(
              BlockRule.CERTIFICATE_SIGNATURE,
              "certificate signature invalid",
              Reason.INVALID_BLOCK,
              winner));
    }
    if (h.timestampMs() < schedule.earliestUsefulBlock()) {
      return Optional.of(
          reject(
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
        || test.salt().size() != SALT_BYTES
        || !test.matches(problem.pending().testInputsHash())
        || !signatures.verify(test, domains)) {
      return Optional.of(
          reject(BlockRule.TEST_REVEAL, "test reveal invalid", Reason.BAD_REVEAL, submitter));
    }
    if (!labels.submitter().equals(submitter)
        || labels.round() != h.height()
        || !labels.problemId().equals(problem.id())
        || labels.salt().size() != SALT_BYTES
        || !labels.matches(problem.pending().testLabelsHash())
        || !signatures.verify(labels, domains)) {
      return Optional.of(
          reject(BlockRule.LABEL_REVEAL, "label reveal invalid", Reason.BAD_REVEAL, submitter));
    }
    List<WinnerCertificate.RankEntry> ranking = cert.ranking();
    if (u.commits().size() != ranking.size() || u.predictions().size() != ranking.size()) {
      return Optional.of(
          reject(
              BlockRule.RANKED_COMMITS_CARRIED,
              "block carries other commits than the ranking",
              Reason.INVALID_BLOCK,
              winner));
    }
    if (h.attempt() >= ranking.size()) {
      return Optional.of(
          reject(
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
            reject(
                BlockRule.RANKING_ORDER,
                "commits not in ranking order",
                Reason.INVALID_BLOCK,
                winner));
      }
      Optional<BlockRule> bad = checkCommit(c, problem, h.height());
      if (bad.isPresent()) {
        return Optional.of(
            reject(bad.get(), bad.get().description(), Reason.WRONG_RANKING, submitter));
      }
      if (p.round() != h.height() || !p.problemId().equals(problem.id())) {
        return Optional.of(
            reject(
                BlockRule.PREDICTION_ROUND,
                "prediction for another round or problem",
                Reason.WRONG_RANKING,
                submitter));
      }
      if (!signatures.verify(p, domains)) {
        return Optional.of(
            reject(
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
          reject(
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
          reject(
              BlockRule.CERTIFICATE_WINNER,
              "certificate crowns the wrong miner or score",
              Reason.WRONG_RANKING,
              submitter));
    }
    // The proposer of consensus round r of a useful height is the miner ranked r-th.
    Ranking.Ranked won = recomputed.get(h.attempt());
    if (!won.commit().miner().equals(winner)) {
      return Optional.of(
          reject(
              BlockRule.PROPOSER_RANKED,
              "proposer is not the miner ranked at the block's attempt",
              Reason.INVALID_BLOCK,
              winner));
    }
    // From here on the round was certified correctly: what remains is the winner's own proof.
    Hash published = u.model().sha256();
    if (!published.equals(won.prediction().modelHash()) || !published.equals(h.modelHash())) {
      return Optional.of(
          new Rejected(
              BlockRule.MODEL_COMMITTED,
              "published model does not match the winner's commitment",
              Reason.MODEL_MISMATCH,
              winner,
              Optional.of(EvidenceProof.invalidWinnerBlock(block))));
    }
    if (u.model().size() > genesis.spec(h.height()).maxModelBytes()) {
      return Optional.of(
          reject(
              BlockRule.MODEL_SIZE,
              "model exceeds the chain's size limit",
              Reason.PREDICTIONS_NOT_REPRODUCED,
              winner));
    }
    if (mode == Mode.DETERMINISTIC) {
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
          reject(
              BlockRule.MODEL_REPRODUCES,
              "model check failed: " + v.reason(),
              Reason.PREDICTIONS_NOT_REPRODUCED,
              winner));
    }
    return Optional.empty();
  }
}
