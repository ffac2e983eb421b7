package org.learnchain.consensus.statemachine;

import java.util.Optional;
import org.learnchain.config.Role;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.message.ModelCommit;

/**
 * What makes a miner's model commit count in a block, useful or wasted: it is of the block's round
 * and problem, from a miner who is not the problem's submitter, and signed by that miner. Returns
 * the rule a commit breaks, if any.
 */
final class ModelCommitRule {
  private final Committee committee;
  private final ChainDomains domains;
  private final SignatureCache signatures;

  ModelCommitRule(Committee committee, ChainDomains domains, SignatureCache signatures) {
    this.committee = committee;
    this.domains = domains;
    this.signatures = signatures;
  }

  Optional<BlockRule> check(ModelCommit c, RoundProblem problem, long height) {
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
}
