package org.learnchain.node.status;

import java.util.Locale;
import java.util.Optional;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.PendingProblem;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.SubmitProblem;
import org.learnchain.ledger.mempool.Mempool;
import org.learnchain.ledger.store.ChainStore;

/**
 * Where a submitted problem stands, as its submitter asks: still in the pool, pending on chain,
 * being worked on this round (training, evaluating, awarding), or closed (solved, wasted, expired),
 * with the winner, score, model and block once solved.
 *
 * @param height the solving block's height once solved; otherwise the inclusion height (0 while in
 *     the pool)
 * @param score the winner's certified score; NaN unless solved
 */
public record ProblemView(
    Hash problemId,
    State state,
    long height,
    Optional<Address> winner,
    double score,
    Address submitter,
    long bounty,
    long includedHeight,
    long closedHeight,
    Optional<Hash> modelHash,
    Optional<Hash> blockHash) {

  /** The states a user sees (docs/protocol.md section 7, plus wasted). */
  public enum State {
    PENDING,
    TRAINING,
    EVALUATING,
    AWARDING,
    SOLVED,
    WASTED,
    EXPIRED;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Whether nothing more will happen to the problem. */
    public boolean closed() {
      return this == SOLVED || this == WASTED || this == EXPIRED;
    }
  }

  /** The problem {@code id} as this node sees it; empty when neither chain nor pool knows it. */
  public static Optional<ProblemView> of(
      Hash id, ChainStore store, RoundTracker tracker, Mempool mempool) {
    Optional<PendingProblem> onChain = store.headState().problem(id);
    if (onChain.isEmpty()) {
      Optional<SignedTransaction> queued = mempool.get(id);
      if (queued.isPresent() && queued.get().payload() instanceof SubmitProblem sp) {
        return Optional.of(
            new ProblemView(
                id,
                State.PENDING,
                0,
                Optional.empty(),
                Double.NaN,
                queued.get().senderAddress(),
                sp.bounty(),
                0,
                0,
                Optional.empty(),
                Optional.empty()));
      }
      return Optional.empty();
    }
    PendingProblem p = onChain.get();
    State state;
    long height = p.includedHeight();
    Optional<Address> winner = Optional.empty();
    double score = Double.NaN;
    Optional<Hash> modelHash = Optional.empty();
    Optional<Hash> blockHash = Optional.empty();
    switch (p.status()) {
      case SOLVED -> {
        state = State.SOLVED;
        height = p.closedHeight();
        Optional<Block> b = store.canonicalBlock(p.closedHeight());
        if (b.isPresent() && b.get().outcome() instanceof BlockOutcome.UsefulWork u) {
          BlockSummary s = BlockSummary.of(b.get());
          winner = Optional.of(u.winner());
          score = s.score();
          modelHash = Optional.of(s.modelHash());
          blockHash = Optional.of(s.hash());
        }
      }
      case WASTED -> {
        state = State.WASTED;
        height = p.closedHeight();
      }
      case EXPIRED -> {
        state = State.EXPIRED;
        height = p.closedHeight();
      }
      default -> state = current(id, tracker);
    }
    return Optional.of(
        new ProblemView(
            id,
            state,
            height,
            winner,
            score,
            p.submitter(),
            p.bounty(),
            p.includedHeight(),
            p.closedHeight(),
            modelHash,
            blockHash));
  }

  private static State current(Hash id, RoundTracker tracker) {
    RoundTracker.Snapshot s = tracker.snapshot();
    if (s.problemId().isEmpty() || !s.problemId().get().equals(id)) {
      return State.PENDING;
    }
    return switch (s.phase()) {
      case TRAINING -> State.TRAINING;
      case EVALUATING -> State.EVALUATING;
      case AWARDING -> State.AWARDING;
      case IDLE -> State.PENDING;
    };
  }
}
