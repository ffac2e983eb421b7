package org.learnchain.ledger.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.learnchain.config.Rewards;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Account;
import org.learnchain.ledger.PaymentKind;
import org.learnchain.ledger.PendingProblem;
import org.learnchain.ledger.ProblemStatus;

/**
 * What happens at a height whatever the block contains: problems whose TTL ends are refunded, and
 * unbonding entries that mature return to their owners' balances.
 */
final class Housekeeping {
  private final Rewards rewards;

  Housekeeping(Rewards rewards) {
    this.rewards = rewards;
  }

  /** Problems included problemTtlRounds ago and still pending: refund the bounty less the fee. */
  void expireProblems(BlockRun b) {
    Scratch s = b.s;
    List<Hash> due = s.expiryQueue(b.height);
    if (due.isEmpty()) {
      return;
    }
    for (Hash id : due) {
      Optional<PendingProblem> p = s.pending(id);
      if (p.isEmpty()) {
        continue;
      }
      PendingProblem problem = p.get();
      long fee = Math.min(rewards.minTxFee(), problem.bounty());
      b.pay(PaymentKind.REFUND, problem.submitter(), problem.bounty() - fee);
      b.pay(PaymentKind.FEE, b.proposer, fee);
      b.fees += fee;
      s.close(problem.closed(ProblemStatus.EXPIRED, b.height));
      RewardSettlement.decrementPending(s);
    }
    s.putExpiryQueue(b.height, List.of());
  }

  /** Unbonding entries released at this height return to their owners' balances. */
  void matureUnbonding(BlockRun b) {
    Scratch s = b.s;
    List<Address> due = s.unbondQueue(b.height);
    if (due.isEmpty()) {
      return;
    }
    for (Address who : due) {
      Account a = s.account(who);
      long released = 0;
      List<Account.Unbonding> kept = new ArrayList<>();
      for (Account.Unbonding u : a.unbonding()) {
        if (u.releaseHeight() <= b.height) {
          released += u.amount();
        } else {
          kept.add(u);
        }
      }
      s.putAccount(who, a.withUnbonding(kept).withBalance(Math.addExact(a.balance(), released)));
      b.record(PaymentKind.UNBONDED, who, released);
    }
    s.putUnbondQueue(b.height, List.of());
  }
}
