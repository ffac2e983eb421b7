package org.learnchain.ledger.state;

import java.util.ArrayList;
import java.util.List;
import org.learnchain.crypto.Address;
import org.learnchain.ledger.Account;
import org.learnchain.ledger.Payment;
import org.learnchain.ledger.PaymentKind;

/**
 * One block's working state while it is applied: the scratch copy of the state, the running totals,
 * and the payments made so far (in the fixed order the rules make them).
 */
final class BlockRun {
  final Scratch s;
  final long height;
  final Address proposer;
  long fees;
  long minted;
  long burned;
  private final List<Payment> payments = new ArrayList<>();
  private int proposerFeeIndex = -1;

  BlockRun(WorldState parent, long height, Address proposer) {
    this.s = new Scratch(parent);
    this.height = height;
    this.proposer = proposer;
  }

  /** Credits {@code amount} to {@code to} and records the payment (nothing when zero). */
  void pay(PaymentKind kind, Address to, long amount) {
    if (amount == 0) {
      return;
    }
    Account a = s.account(to);
    s.putAccount(to, a.withBalance(Math.addExact(a.balance(), amount)));
    if (kind == PaymentKind.FEE && to.equals(proposer)) {
      // The proposer's fees are one record per block, however many transactions it carries.
      if (proposerFeeIndex >= 0) {
        Payment fees = payments.get(proposerFeeIndex);
        payments.set(proposerFeeIndex, new Payment(kind, to, Math.addExact(fees.amount(), amount)));
        return;
      }
      proposerFeeIndex = payments.size();
    }
    payments.add(new Payment(kind, to, amount));
  }

  /** Records a movement already applied to the state (a slash, a matured unbonding entry). */
  void record(PaymentKind kind, Address account, long amount) {
    if (amount > 0) {
      payments.add(new Payment(kind, account, amount));
    }
  }

  /** Index of the next payment; with {@link #truncatePayments} a rejected step leaves none. */
  int paymentMark() {
    return payments.size();
  }

  void truncatePayments(int mark, long proposerFeesAtMark) {
    payments.subList(mark, payments.size()).clear();
    if (proposerFeeIndex >= mark) {
      proposerFeeIndex = -1;
    } else if (proposerFeeIndex >= 0) {
      Payment p = payments.get(proposerFeeIndex);
      payments.set(proposerFeeIndex, new Payment(p.kind(), p.account(), proposerFeesAtMark));
    }
  }

  /** The proposer's fee record so far (0 when none), to restore with {@link #truncatePayments}. */
  long proposerFees() {
    return proposerFeeIndex < 0 ? 0 : payments.get(proposerFeeIndex).amount();
  }

  List<Payment> payments() {
    return List.copyOf(payments);
  }
}
