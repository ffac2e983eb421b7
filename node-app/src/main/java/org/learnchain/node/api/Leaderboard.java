package org.learnchain.node.api;

import java.util.Optional;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.message.ModelCommit;
import org.learnchain.consensus.message.WinnerCertificate;
import org.learnchain.consensus.message.WorkSection;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.PendingProblem;
import org.learnchain.ml.spec.Metric;
import org.learnchain.ml.spec.ProblemSpec;
import org.learnchain.node.status.ProblemView;
import org.learnchain.proto.api.LeaderboardEntry;
import org.learnchain.proto.api.LeaderboardReply;

/**
 * A problem's leaderboard, read from the canonical chain only: every block of the problem from its
 * inclusion to its close (or the head) contributes its round. A useful block's certificate ranks
 * every miner whose predictions were scored (every node recomputed that ranking); a wasted block
 * lists the miners that committed, unscored, because the labels were never revealed.
 */
final class Leaderboard {
  private Leaderboard() {}

  static LeaderboardReply of(ApiContext ctx, ProblemView p) {
    Optional<PendingProblem> onChain = ctx.store().headState().problem(p.problemId());
    LeaderboardReply.Builder reply =
        LeaderboardReply.newBuilder().setProblemId(ProtoViews.bytes(p.problemId()));
    onChain
        .map(pp -> ProblemSpec.decode(pp.spec()))
        .filter(org.learnchain.ml.Result::isOk)
        .map(r -> r.value().metric())
        // Certified scores are higher-is-better for every metric: a regression's is the negated
        // mean squared error.
        .ifPresent(m -> reply.setMetric(m == Metric.ACCURACY ? "accuracy" : "neg_mse"));
    reply.setHigherIsBetter(true);
    if (onChain.isEmpty()) {
      return reply.build(); // still in the pool: no round yet
    }
    long from = p.includedHeight() + 1;
    long to = p.closedHeight() > 0 ? p.closedHeight() : ctx.store().head().header().height();
    for (long h = from; h <= to; h++) {
      Optional<Block> b = ctx.store().canonicalBlock(h);
      if (b.isEmpty() || !b.get().header().problemId().equals(p.problemId())) {
        continue;
      }
      add(reply, b.get(), p.problemId());
    }
    return reply.build();
  }

  private static void add(LeaderboardReply.Builder reply, Block b, Hash problemId) {
    Result<WorkSection> work = WorkSection.decode(b.work());
    if (!work.isOk()) {
      return;
    }
    LeaderboardEntry.Builder base =
        LeaderboardEntry.newBuilder()
            .setHeight(b.header().height())
            .setRound(b.header().round())
            .setAttempt(b.header().attempt());
    if (work.value() instanceof WorkSection.Useful u) {
      WinnerCertificate c = u.certificate();
      int rank = 0;
      for (WinnerCertificate.RankEntry e : c.ranking()) {
        rank++;
        reply.addEntries(
            base.clone()
                .setOutcome("useful")
                .setRank(rank)
                .setMiner(ProtoViews.bytes(e.miner().address()))
                .setScore(e.score())
                .setWinner(e.miner().equals(c.winner())));
      }
    } else if (work.value() instanceof WorkSection.Wasted w && w.problemId().equals(problemId)) {
      for (ModelCommit mc : w.commits()) {
        reply.addEntries(
            base.clone()
                .setOutcome("wasted")
                .setMiner(ProtoViews.bytes(mc.miner().address()))
                .setScore(Double.NaN));
      }
    }
  }
}
