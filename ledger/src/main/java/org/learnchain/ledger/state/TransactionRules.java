package org.learnchain.ledger.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.learnchain.config.Genesis;
import org.learnchain.config.Rewards;
import org.learnchain.config.Role;
import org.learnchain.config.spec.ChainSpec;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.Account;
import org.learnchain.ledger.Delegate;
import org.learnchain.ledger.Evidence;
import org.learnchain.ledger.LedgerLimits;
import org.learnchain.ledger.PaymentKind;
import org.learnchain.ledger.PendingProblem;
import org.learnchain.ledger.ProblemStatus;
import org.learnchain.ledger.RejectReason;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.Stake;
import org.learnchain.ledger.SubmitProblem;
import org.learnchain.ledger.Transaction;
import org.learnchain.ledger.Transfer;
import org.learnchain.ledger.TxRejection;
import org.learnchain.ledger.Undelegate;
import org.learnchain.ledger.Unstake;

/**
 * The transaction rules: the checks every transaction passes (chain, size, signature, fee, nonce,
 * balance) and one {@link Rule} per transaction kind with its own checks and effect. A transaction
 * is checked completely before it changes anything, so a rejected one leaves no trace (no state
 * change, no payment).
 *
 * <p>Ledger limits (entries per account, delegators per miner, pending problems, transaction size)
 * are the chain spec's rules at the block's height (docs/chain-spec.md); {@link LedgerLimits} holds
 * only the decoders' ceilings above them.
 */
final class TransactionRules {
  private final Genesis genesis;
  private final Rewards rewards;
  private final Membership members;
  private final RewardSettlement settlement;
  private final EvidenceVerifier evidenceVerifier;
  private final Map<Class<? extends Transaction>, Rule<?>> rules;

  /** The largest transaction any height allows (each height's own limit is checked in apply). */
  private final int maxTransactionBytes;

  TransactionRules(
      Genesis genesis,
      Membership members,
      RewardSettlement settlement,
      EvidenceVerifier evidenceVerifier) {
    this.genesis = genesis;
    this.rewards = genesis.rewards();
    this.members = members;
    this.settlement = settlement;
    this.evidenceVerifier = evidenceVerifier;
    this.maxTransactionBytes = (int) genesis.schedule().maxOver(ChainSpec::maxTransactionBytes);
    this.rules =
        Map.of(
            Transfer.class, new TransferRule(),
            Stake.class, new StakeRule(),
            Unstake.class, new UnstakeRule(),
            Delegate.class, new DelegateRule(),
            Undelegate.class, new UndelegateRule(),
            SubmitProblem.class, new SubmitProblemRule(),
            Evidence.class, new EvidenceRule());
  }

  /** What a kind's rule sees: the block run, the transaction, its sender's account before it. */
  static final class Turn<T extends Transaction> {
    final BlockRun b;
    final Prepared p;
    final T payload;
    final Address from;
    final Account sender;
    final int index;
    final long release;

    Turn(BlockRun b, Prepared p, T payload, Account sender, int index, long release) {
      this.b = b;
      this.p = p;
      this.payload = payload;
      this.from = p.sender;
      this.sender = sender;
      this.index = index;
      this.release = release;
    }
  }

  /**
   * One transaction kind. {@link #check} changes nothing and returns why the transaction is invalid
   * (or null plus whatever {@link #apply} needs); {@code apply} runs after the sender paid.
   */
  interface Rule<T extends Transaction> {
    /** Bounds that depend only on the payload. */
    TxRejection shape(T payload);

    /** Checks against the state; returns a rejection, or an {@link Ok} carrying its findings. */
    Object check(Turn<T> t);

    void apply(Turn<T> t, Object findings);
  }

  /** A passed check, with what it found (for evidence: the offender). */
  record Ok(Object value) {}

  private static final Ok OK = new Ok(null);

  static TxRejection rejection(RejectReason reason, String message) {
    return new TxRejection(reason, message);
  }

  @SuppressWarnings("unchecked")
  private <T extends Transaction> Rule<T> ruleFor(T payload) {
    Rule<?> r = rules.get(payload.getClass());
    if (r == null) {
      throw new IllegalStateException("no rule for " + payload.getClass().getSimpleName());
    }
    return (Rule<T>) r;
  }

  /** Chain, size, signature and fee: what every kind shares and no state decides. */
  TxRejection precheck(Prepared p) {
    SignedTransaction tx = p.tx;
    if (!p.chainOk) {
      return rejection(RejectReason.WRONG_CHAIN, "transaction for chain '" + tx.chainId() + "'");
    }
    if (p.encoding.length > maxTransactionBytes) {
      return rejection(RejectReason.TOO_LARGE, "transaction of " + p.encoding.length + " bytes");
    }
    if (!p.signatureOk) {
      return rejection(RejectReason.BAD_SIGNATURE, "signature does not verify for the sender");
    }
    if (tx.fee() < rewards.minTxFee()) {
      return rejection(
          RejectReason.FEE_TOO_LOW, "fee " + tx.fee() + " below minimum " + rewards.minTxFee());
    }
    return null;
  }

  /** Bounds that depend only on the payload. */
  TxRejection checkPayloadShape(SignedTransaction tx) {
    if (tx.nonce() < 0) {
      return rejection(RejectReason.NONCE_TOO_LOW, "negative nonce " + tx.nonce());
    }
    return shapeOf(tx.payload());
  }

  private <T extends Transaction> TxRejection shapeOf(T payload) {
    return ruleFor(payload).shape(payload);
  }

  /** Applies one transaction, or returns why it is invalid having changed nothing. */
  TxRejection apply(BlockRun b, Prepared p, int index) {
    TxRejection r = precheck(p);
    if (r == null && p.encoding.length > genesis.spec(b.height).maxTransactionBytes()) {
      r = rejection(RejectReason.TOO_LARGE, "transaction of " + p.encoding.length + " bytes");
    }
    if (r == null) {
      r = checkPayloadShape(p.tx);
    }
    if (r != null) {
      return r;
    }
    SignedTransaction tx = p.tx;
    Account sender = b.s.account(p.sender);
    if (tx.nonce() != sender.nonce()) {
      return rejection(
          tx.nonce() < sender.nonce() ? RejectReason.NONCE_TOO_LOW : RejectReason.NONCE_TOO_HIGH,
          "nonce " + tx.nonce() + ", account expects " + sender.nonce());
    }
    long spend = tx.payload().spend();
    long cost = spend > Long.MAX_VALUE - tx.fee() ? Long.MAX_VALUE : tx.fee() + spend;
    if (cost > sender.balance()) {
      return rejection(
          RejectReason.INSUFFICIENT_BALANCE,
          "needs " + cost + " (fee " + tx.fee() + "), balance " + sender.balance());
    }
    long release = b.height + genesis.unbondingDelayRounds();
    return run(new Turn<>(b, p, tx.payload(), sender, index, release), cost);
  }

  private <T extends Transaction> TxRejection run(Turn<T> t, long cost) {
    Rule<T> rule = ruleFor(t.payload);
    Object found = rule.check(t);
    if (found instanceof TxRejection r) {
      return r;
    }
    // Valid: charge the sender, then apply the effect, then pay the proposer.
    Scratch s = t.b.s;
    s.putAccount(
        t.from, t.sender.withNonceAndBalance(t.sender.nonce() + 1, t.sender.balance() - cost));
    rule.apply(t, ((Ok) found).value());
    t.b.pay(PaymentKind.FEE, t.b.proposer, t.p.tx.fee());
    t.b.fees += t.p.tx.fee();
    return null;
  }

  private static TxRejection positive(long amount) {
    if (amount <= 0) {
      return rejection(RejectReason.INVALID_AMOUNT, "amount must be positive, got " + amount);
    }
    return null;
  }

  // ---------------------------------------------------------------- one rule per kind

  private static final class TransferRule implements Rule<Transfer> {
    @Override
    public TxRejection shape(Transfer t) {
      return positive(t.amount());
    }

    @Override
    public Object check(Turn<Transfer> t) {
      return OK;
    }

    @Override
    public void apply(Turn<Transfer> t, Object findings) {
      Scratch s = t.b.s;
      Account to = s.account(t.payload.to());
      s.putAccount(t.payload.to(), to.withBalance(Math.addExact(to.balance(), t.payload.amount())));
    }
  }

  private static final class StakeRule implements Rule<Stake> {
    @Override
    public TxRejection shape(Stake st) {
      return positive(st.amount());
    }

    @Override
    public Object check(Turn<Stake> t) {
      return OK;
    }

    @Override
    public void apply(Turn<Stake> t, Object findings) {
      Account a = t.b.s.account(t.from);
      t.b.s.putAccount(t.from, a.withStake(Math.addExact(a.stake(), t.payload.amount())));
    }
  }

  private final class UnstakeRule implements Rule<Unstake> {
    @Override
    public TxRejection shape(Unstake u) {
      return positive(u.amount());
    }

    @Override
    public Object check(Turn<Unstake> t) {
      if (t.payload.amount() > t.sender.stake()) {
        return rejection(
            RejectReason.INSUFFICIENT_STAKE,
            "unstake " + t.payload.amount() + ", stake " + t.sender.stake());
      }
      if (!canAddUnbonding(t.sender, t.release, genesis.spec(t.b.height).maxUnbondingEntries())) {
        return rejection(RejectReason.TOO_MANY_ENTRIES, "too many unbonding entries");
      }
      return OK;
    }

    @Override
    public void apply(Turn<Unstake> t, Object findings) {
      Scratch s = t.b.s;
      Account a = s.account(t.from);
      long amount = t.payload.amount();
      s.putAccount(
          t.from,
          a.withStake(a.stake() - amount)
              .withUnbonding(addUnbonding(a.unbonding(), amount, t.release)));
      enqueueUnbonding(s, t.release, t.from);
    }
  }

  private final class DelegateRule implements Rule<Delegate> {
    @Override
    public TxRejection shape(Delegate d) {
      return positive(d.amount());
    }

    @Override
    public Object check(Turn<Delegate> t) {
      Address miner = t.payload.miner();
      if (!members.hasRole(miner, Role.MINER)) {
        return rejection(RejectReason.NOT_A_MINER, miner + " is not a miner");
      }
      if (miner.equals(t.from)) {
        return rejection(RejectReason.SELF_DELEGATION, "a miner cannot delegate to itself");
      }
      if (t.sender.delegatedTo(miner) == 0
          && t.sender.delegations().size() >= genesis.spec(t.b.height).maxDelegations()) {
        return rejection(RejectReason.TOO_MANY_ENTRIES, "too many delegations");
      }
      Account m = t.b.s.account(miner);
      if (Account.amountFor(m.backers(), t.from) == 0
          && m.backers().size() >= genesis.spec(t.b.height).maxBackers()) {
        return rejection(RejectReason.TOO_MANY_ENTRIES, "miner has too many delegators");
      }
      return OK;
    }

    @Override
    public void apply(Turn<Delegate> t, Object findings) {
      Scratch s = t.b.s;
      Address miner = t.payload.miner();
      long amount = t.payload.amount();
      Account a = s.account(t.from);
      s.putAccount(t.from, a.withDelegations(Account.adjust(a.delegations(), miner, amount)));
      Account m = s.account(miner);
      s.putAccount(miner, m.withBackers(Account.adjust(m.backers(), t.from, amount)));
    }
  }

  private final class UndelegateRule implements Rule<Undelegate> {
    @Override
    public TxRejection shape(Undelegate d) {
      return positive(d.amount());
    }

    @Override
    public Object check(Turn<Undelegate> t) {
      long delegated = t.sender.delegatedTo(t.payload.miner());
      if (delegated < t.payload.amount()) {
        return rejection(
            RejectReason.INSUFFICIENT_DELEGATION,
            "undelegate " + t.payload.amount() + ", delegated " + delegated);
      }
      if (!canAddUnbonding(t.sender, t.release, genesis.spec(t.b.height).maxUnbondingEntries())) {
        return rejection(RejectReason.TOO_MANY_ENTRIES, "too many unbonding entries");
      }
      return OK;
    }

    @Override
    public void apply(Turn<Undelegate> t, Object findings) {
      Scratch s = t.b.s;
      Address miner = t.payload.miner();
      long amount = t.payload.amount();
      Account a = s.account(t.from);
      s.putAccount(
          t.from,
          a.withDelegations(Account.adjust(a.delegations(), miner, -amount))
              .withUnbonding(addUnbonding(a.unbonding(), amount, t.release)));
      Account m = s.account(miner);
      s.putAccount(miner, m.withBackers(Account.adjust(m.backers(), t.from, -amount)));
      enqueueUnbonding(s, t.release, t.from);
    }
  }

  private final class SubmitProblemRule implements Rule<SubmitProblem> {
    @Override
    public TxRejection shape(SubmitProblem sp) {
      if (sp.bounty() < rewards.minBounty() || sp.bounty() <= 0) {
        return rejection(
            RejectReason.BOUNTY_TOO_LOW,
            "bounty " + sp.bounty() + " below minimum " + Math.max(1, rewards.minBounty()));
      }
      if (sp.specLength() > LedgerLimits.MAX_SPEC_BYTES) {
        return rejection(RejectReason.INVALID_PROBLEM, "spec of " + sp.specLength() + " bytes");
      }
      if (sp.trainSetSize() <= 0 || sp.trainSetSize() > genesis.limits().maxTrainSetBytes()) {
        return rejection(
            RejectReason.INVALID_PROBLEM,
            "training set of "
                + sp.trainSetSize()
                + " bytes, limit "
                + genesis.limits().maxTrainSetBytes());
      }
      if (sp.testSampleCount() <= 0 || sp.testSampleCount() > genesis.limits().maxTestSamples()) {
        return rejection(
            RejectReason.INVALID_PROBLEM,
            sp.testSampleCount() + " test samples, limit " + genesis.limits().maxTestSamples());
      }
      return null;
    }

    @Override
    public Object check(Turn<SubmitProblem> t) {
      if (!members.hasRole(t.from, Role.SUBMITTER)) {
        return rejection(RejectReason.NOT_A_SUBMITTER, t.from + " is not a submitter");
      }
      if (t.b.s.meta().pendingProblems() >= genesis.spec(t.b.height).maxPendingProblems()) {
        return rejection(RejectReason.TOO_MANY_PENDING_PROBLEMS, "pending problem limit reached");
      }
      if (t.b.s.problemExists(t.p.hash)) {
        return rejection(RejectReason.PROBLEM_EXISTS, "problem " + t.p.hash.toShortHex());
      }
      return OK;
    }

    @Override
    public void apply(Turn<SubmitProblem> t, Object findings) {
      Scratch s = t.b.s;
      SubmitProblem sp = t.payload;
      PendingProblem problem =
          new PendingProblem(
              t.p.hash,
              t.from,
              sp.bounty(),
              sp.spec(),
              sp.trainSetHash(),
              sp.trainSetSize(),
              sp.testInputsHash(),
              sp.testLabelsHash(),
              sp.testSampleCount(),
              t.b.height,
              t.index,
              ProblemStatus.PENDING,
              0);
      s.putPending(problem);
      ChainMeta m = s.meta();
      s.setMeta(
          new ChainMeta(
              m.height(), m.genesisSupply(), m.minted(), m.burned(), m.pendingProblems() + 1));
      long expiry = t.b.height + genesis.problemTtlRounds();
      List<Hash> q = new ArrayList<>(s.expiryQueue(expiry));
      q.add(t.p.hash);
      s.putExpiryQueue(expiry, q);
    }
  }

  private final class EvidenceRule implements Rule<Evidence> {
    @Override
    public TxRejection shape(Evidence ev) {
      if (ev.proofLength() == 0 || ev.proofLength() > LedgerLimits.MAX_EVIDENCE_BYTES) {
        return rejection(RejectReason.INVALID_EVIDENCE, "proof of " + ev.proofLength() + " bytes");
      }
      return null;
    }

    @Override
    public Object check(Turn<Evidence> t) {
      Hash proofHash = t.payload.proofHash();
      if (t.b.s.evidenceUsed(proofHash)) {
        return rejection(
            RejectReason.EVIDENCE_ALREADY_USED,
            "proof " + proofHash.toShortHex() + " already used");
      }
      Optional<PublicKey> who = evidenceVerifier.offender(t.payload.proof(), t.b.height);
      if (who.isEmpty()) {
        return rejection(RejectReason.INVALID_EVIDENCE, "proof convicts nobody");
      }
      return new Ok(who.get());
    }

    @Override
    public void apply(Turn<Evidence> t, Object findings) {
      Address offender = ((PublicKey) findings).address();
      long slashed = settlement.slash(t.b, offender);
      t.b.burned += slashed;
      t.b.s.putEvidence(t.payload.proofHash(), new EvidenceRecord(t.b.height, offender, slashed));
    }
  }

  // ---------------------------------------------------------------- unbonding entries

  private static boolean canAddUnbonding(Account a, long release, int maxEntries) {
    if (a.unbonding().size() < maxEntries) {
      return true;
    }
    return a.unbonding().get(a.unbonding().size() - 1).releaseHeight() == release;
  }

  /** Appends (or merges into the last entry with the same release height); keeps the order. */
  private static List<Account.Unbonding> addUnbonding(
      List<Account.Unbonding> list, long amount, long release) {
    List<Account.Unbonding> out = new ArrayList<>(list);
    if (!out.isEmpty() && out.get(out.size() - 1).releaseHeight() == release) {
      Account.Unbonding last = out.remove(out.size() - 1);
      out.add(new Account.Unbonding(Math.addExact(last.amount(), amount), release));
    } else {
      out.add(new Account.Unbonding(amount, release));
    }
    return out;
  }

  private static void enqueueUnbonding(Scratch s, long release, Address who) {
    List<Address> q = s.unbondQueue(release);
    if (!q.contains(who)) {
      List<Address> next = new ArrayList<>(q);
      next.add(who);
      s.putUnbondQueue(release, next);
    }
  }
}
