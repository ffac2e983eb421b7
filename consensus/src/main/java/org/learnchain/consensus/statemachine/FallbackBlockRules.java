package org.learnchain.consensus.statemachine;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.learnchain.consensus.message.MisconductReport.Reason;
import org.learnchain.consensus.message.ModelCommit;
import org.learnchain.consensus.message.WorkSection;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockHeader;
import org.learnchain.ledger.BlockOutcome;

/**
 * The rules of a block without useful work (docs/consensus.md, "blocks without useful work"; one
 * {@link BlockRule} each): it comes from the validator whose turn the round is, no earlier than
 * such blocks may be, and a wasted block names the round's problem and carries, sorted, the valid
 * model commits of the miners it pays.
 */
final class FallbackBlockRules {
  private final Committee committee;
  private final ModelCommitRule commitRule;

  FallbackBlockRules(Committee committee, ModelCommitRule commitRule) {
    this.committee = committee;
    this.commitRule = commitRule;
  }

  Optional<BlockVerifier.Rejected> verifyIdle(
      Block block, WorkSection work, Optional<RoundProblem> problem, RoundSchedule schedule) {
    BlockHeader h = block.header();
    if (!(work instanceof WorkSection.Idle)) {
      return Optional.of(
          BlockVerifier.reject(
              BlockRule.IDLE_WORK_SECTION,
              "idle block with a work section of another kind",
              Reason.INVALID_BLOCK,
              h.proposer()));
    }
    return checkTurn(h, schedule.earliestFallbackBlock(problem.isPresent()));
  }

  private Optional<BlockVerifier.Rejected> checkTurn(BlockHeader h, long earliest) {
    if (!committee.proposerTurn(h.height(), h.attempt()).equals(h.proposer())) {
      return Optional.of(
          BlockVerifier.reject(
              BlockRule.PROPOSER_TURN,
              "proposer is not the validator of round " + h.attempt(),
              Reason.INVALID_BLOCK,
              h.proposer()));
    }
    if (h.timestampMs() < earliest) {
      return Optional.of(
          BlockVerifier.reject(
              BlockRule.FALLBACK_NOT_BEFORE_DEADLINE,
              "block is earlier than blocks without useful work may be",
              Reason.INVALID_BLOCK,
              h.proposer()));
    }
    return Optional.empty();
  }

  Optional<BlockVerifier.Rejected> verifyWasted(
      Block block,
      BlockOutcome.Wasted outcome,
      WorkSection work,
      Optional<RoundProblem> problem,
      RoundSchedule schedule) {
    BlockHeader h = block.header();
    PublicKey proposer = h.proposer();
    if (problem.isEmpty() || !problem.get().id().equals(outcome.problemId())) {
      return Optional.of(
          BlockVerifier.reject(
              BlockRule.WASTED_PROBLEM,
              "wasted outcome for a problem other than the round's",
              Reason.INVALID_BLOCK,
              proposer));
    }
    if (!(work instanceof WorkSection.Wasted w) || !w.problemId().equals(outcome.problemId())) {
      return Optional.of(
          BlockVerifier.reject(
              BlockRule.WASTED_WORK_SECTION,
              "wasted block without its commits",
              Reason.INVALID_BLOCK,
              proposer));
    }
    if (!h.problemId().equals(outcome.problemId())
        || !h.modelHash().equals(Hash.ZERO)
        || !h.certificateHash().equals(Hash.ZERO)) {
      return Optional.of(
          BlockVerifier.reject(
              BlockRule.WASTED_HEADER,
              "wasted block header fields",
              Reason.INVALID_BLOCK,
              proposer));
    }
    Optional<BlockVerifier.Rejected> turn = checkTurn(h, schedule.earliestFallbackBlock(true));
    if (turn.isPresent()) {
      return turn;
    }
    if (w.commits().isEmpty()) {
      return Optional.of(
          BlockVerifier.reject(
              BlockRule.WASTED_HAS_COMMITTERS,
              "wasted block without committers",
              Reason.INVALID_BLOCK,
              proposer));
    }
    List<Address> committers = new ArrayList<>();
    PublicKey previous = null;
    for (ModelCommit c : w.commits()) {
      Optional<BlockRule> bad = commitRule.check(c, problem.get(), h.height());
      if (bad.isPresent()) {
        return Optional.of(
            BlockVerifier.reject(
                bad.get(), bad.get().description(), Reason.INVALID_BLOCK, proposer));
      }
      if (previous != null && previous.compareTo(c.miner()) >= 0) {
        return Optional.of(
            BlockVerifier.reject(
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
          BlockVerifier.reject(
              BlockRule.WASTED_COMMITTERS_MATCH,
              "committers differ from the commits carried",
              Reason.INVALID_BLOCK,
              proposer));
    }
    return Optional.empty();
  }
}
