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

  void truncatePayments(int mark) {
    payments.subList(mark, payments.size()).clear();
  }

  List<Payment> payments() {
    return List.copyOf(payments);
  }
}
