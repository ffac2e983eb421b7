package org.learnchain.node.devnet;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.learnchain.ledger.ProblemStatus;
import org.learnchain.ledger.SubmitProblem;
import org.learnchain.ledger.state.WorldState;
import org.learnchain.node.LearnchainNode;
import org.learnchain.node.problem.BuiltinProblem;
import org.learnchain.node.problem.ProblemSubmitter;

/**
 * Node 0's stream of funded problems: keeps {@value #PENDING_TARGET} problems pending or queued, so
 * that every round has one; a round that ends without a winner (a late commit, an idle or wasted
 * close) consumes or leaves its problem, and the next top-up replaces it. Bounties fall by one per
 * problem, so the chain selects them in submission order (highest bounty first).
 */
final class ProblemFeed {
  static final long BOUNTY = 10_000L;
  static final int PENDING_TARGET = 2;

  private final BuiltinProblem problem;
  private final DevnetLog log;
  private final Consumer<String> onFailure;
  private final AtomicInteger submitted = new AtomicInteger();

  /**
   * @param onFailure told why, when node 0 cannot fund a problem (the devnet then stops)
   */
  ProblemFeed(BuiltinProblem problem, DevnetLog log, Consumer<String> onFailure) {
    this.problem = problem;
    this.log = log;
    this.onFailure = onFailure;
  }

  /** Funds problems from {@code submitter} until {@value #PENDING_TARGET} are pending or queued. */
  void topUp(LearnchainNode submitter) {
    WorldState state = submitter.store().headState();
    long pending =
        state.pendingProblems().stream().filter(p -> p.status() == ProblemStatus.PENDING).count();
    long queued =
        submitter.mempool().executable(state, 10_000, Long.MAX_VALUE).stream()
            .filter(tx -> tx.payload() instanceof SubmitProblem)
            .count();
    for (long n = pending + queued; n < PENDING_TARGET; n++) {
      if (!submit(submitter)) {
        return;
      }
    }
  }

  private boolean submit(LearnchainNode submitter) {
    int index = submitted.incrementAndGet();
    ProblemSubmitter.Outcome o =
        submitter
            .submitter()
            .submit(problem.spec(), problem.train(), problem.test(), bounty(index));
    if (o instanceof ProblemSubmitter.Accepted a) {
      log.line(
          "problem %d funded: %s bounty %d (training set %s, %.1f MB)",
          index,
          a.problemId().toShortHex(),
          bounty(index),
          a.trainSetHash().toShortHex(),
          a.trainSetBytes() / 1e6);
      return true;
    }
    ProblemSubmitter.Rejected r = (ProblemSubmitter.Rejected) o;
    onFailure.accept("the submitter could not fund problem " + index + ": " + r.reason());
    return false;
  }

  static long bounty(int index) {
    return Math.max(BOUNTY / 2, BOUNTY - index);
  }
}
