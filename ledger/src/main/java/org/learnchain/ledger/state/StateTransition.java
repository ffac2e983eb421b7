package org.learnchain.ledger.state;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import org.learnchain.config.Genesis;
import org.learnchain.config.Member;
import org.learnchain.config.Rewards;
import org.learnchain.config.Role;
import org.learnchain.config.spec.ChainSpec;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.Account;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockHeader;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.Delegate;
import org.learnchain.ledger.Evidence;
import org.learnchain.ledger.GenesisBlock;
import org.learnchain.ledger.LedgerLimits;
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
 * The ledger's state transition: a pure, deterministic function from (parent state, block body) to
 * the next state or the first reason the body is invalid. Block builders and verifiers call the
 * same code; verifiers compare the resulting root with the header's.
 *
 * <p>Order inside a block, fixed for every node: (1) transactions in block order, each paying its
 * fee to the proposer; (2) the outcome (bounty payout); (3) expiry of problems whose TTL ends at
 * this height (refund less the fee, which goes to the proposer); (4) maturity of unbonding entries
 * released at this height; (5) the chain counters.
 *
 * <p>Each transaction is checked completely before it changes anything, so a rejected one leaves no
 * trace; {@link #assemble} relies on that to skip invalid candidates. Signatures are verified in
 * parallel on the injected pool before the sequential part; the order of results does not depend on
 * the scheduling.
 */
public final class StateTransition {
  private static final int PARALLEL_MIN_TXS = 16;
  private static final int DEFAULT_SIGNATURE_CACHE = 1 << 14;
  private static final Address NOBODY = Address.wrap(new byte[Address.LENGTH]);

  private final Genesis genesis;
  private final Rewards rewards;
  private final EvidenceVerifier evidenceVerifier;
  private final ForkJoinPool pool;
  private final Map<Address, Member> members;
  private final String chainId;
  private final SignatureCache signatures;

  /**
   * The largest transaction any height allows: the bound of the checks that do not know the height
   * (stateless checks, signature verification); {@link ChainSpec} gives each height's own.
   */
  private final int maxTransactionBytes;

  /**
   * @param pool where signature checks and state hashing run in parallel
   * @throws IllegalArgumentException when genesis parameters are out of range (config validates
   *     them first; this guards the invariants the arithmetic below relies on)
   */
  public StateTransition(Genesis genesis, EvidenceVerifier evidenceVerifier, ForkJoinPool pool) {
    this(genesis, evidenceVerifier, pool, new SignatureCache(DEFAULT_SIGNATURE_CACHE));
  }

  /**
   * @param pool where signature checks and state hashing run in parallel
   * @param signatures transactions already verified in this process; share one per node between
   *     this transition (and so its mempool) and the node's gossip validation
   */
  public StateTransition(
      Genesis genesis,
      EvidenceVerifier evidenceVerifier,
      ForkJoinPool pool,
      SignatureCache signatures) {
    this.signatures = Objects.requireNonNull(signatures, "signatures");
    this.maxTransactionBytes = (int) genesis.schedule().maxOver(ChainSpec::maxTransactionBytes);
    this.genesis = Objects.requireNonNull(genesis, "genesis");
    this.rewards = genesis.rewards();
    this.evidenceVerifier = Objects.requireNonNull(evidenceVerifier, "evidenceVerifier");
    this.pool = Objects.requireNonNull(pool, "pool");
    this.chainId = genesis.chainId();
    Map<Address, Member> m = new HashMap<>();
    for (Member member : genesis.members()) {
      m.put(member.address(), member);
    }
    this.members = Map.copyOf(m);
    checkBps("bountyBurnBps", rewards.bountyBurnBps());
    checkBps("validatorShareBps", rewards.validatorShareBps());
    checkBps("delegatorShareBps", rewards.delegatorShareBps());
    checkBps("slashBps", rewards.slashBps());
    if (rewards.bountyBurnBps() + rewards.validatorShareBps() > 10_000) {
      throw new IllegalArgumentException("bountyBurnBps + validatorShareBps exceed 10000");
    }
    if (rewards.minTxFee() < 0 || rewards.minBounty() < 0 || rewards.subsidy() < 0) {
      throw new IllegalArgumentException("negative minTxFee, minBounty or subsidy");
    }
    if (genesis.problemTtlRounds() < 1 || genesis.unbondingDelayRounds() < 0) {
      throw new IllegalArgumentException(
          "problemTtlRounds must be >= 1, unbondingDelayRounds >= 0");
    }
  }

  public StateTransition(Genesis genesis, EvidenceVerifier evidenceVerifier) {
    this(genesis, evidenceVerifier, ForkJoinPool.commonPool());
  }

  private static void checkBps(String name, int v) {
    if (v < 0 || v > 10_000) {
      throw new IllegalArgumentException(name + " must be within 0..10000, got " + v);
    }
  }

  public Genesis genesis() {
    return genesis;
  }

  /** The state before block 1. */
  public WorldState genesisState() {
    return WorldState.genesis(genesis);
  }

  /**
   * The problem the round after {@code state} works on: the pending problem with the highest
   * bounty, ties to the earliest inclusion (height, then position); empty means an idle round.
   */
  public Optional<PendingProblem> selectProblem(WorldState state) {
    return state.selectProblem();
  }

  /** Block 0 (see {@link GenesisBlock}), committing to {@link #genesisState()}. */
  public Block genesisBlock() {
    return GenesisBlock.create(genesis, genesisState().root());
  }

  /** Applies a block body as its header describes it (height and proposer come from the header). */
  public TransitionResult apply(
      WorldState parent,
      BlockHeader header,
      List<SignedTransaction> transactions,
      BlockOutcome outcome) {
    return apply(parent, header.height(), header.proposer(), transactions, outcome);
  }

  /**
   * Applies a body for a block at {@code height} proposed by {@code proposer}; builders use this
   * before the header (which needs the resulting state root) exists.
   */
  public TransitionResult apply(
      WorldState parent,
      long height,
      PublicKey proposer,
      List<SignedTransaction> transactions,
      BlockOutcome outcome) {
    int maxTransactions = genesis.spec(height).maxBlockTransactions();
    if (transactions.size() > maxTransactions) {
      return reject(
          RejectReason.TOO_MANY_TRANSACTIONS,
          transactions.size() + " transactions, at most " + maxTransactions);
    }
    return apply(parent, height, proposer, prepare(transactions), outcome);
  }

  /** {@link #apply(WorldState, BlockHeader, List, BlockOutcome)} on prepared transactions. */
  public TransitionResult apply(
      WorldState parent,
      BlockHeader header,
      PreparedTransactions transactions,
      BlockOutcome outcome) {
    return apply(parent, header.height(), header.proposer(), transactions, outcome);
  }

  /**
   * Applies transactions whose signatures {@link #prepare} already checked (for example while the
   * previous block was being applied and stored).
   *
   * @throws IllegalArgumentException when {@code transactions} were prepared by another instance
   */
  public TransitionResult apply(
      WorldState parent,
      long height,
      PublicKey proposer,
      PreparedTransactions transactions,
      BlockOutcome outcome) {
    if (transactions.owner != this) {
      throw new IllegalArgumentException("transactions prepared by another state transition");
    }
    Prepared[] prepared = transactions.items;
    ChainSpec rules = genesis.spec(height);
    if (prepared.length > rules.maxBlockTransactions()) {
      return reject(
          RejectReason.TOO_MANY_TRANSACTIONS,
          prepared.length + " transactions, at most " + rules.maxBlockTransactions());
    }
    long txBytes = 0;
    for (Prepared p : prepared) {
      txBytes += p.encoding.length;
    }
    if (txBytes > rules.maxBlockTransactionBytes()) {
      return reject(
          RejectReason.TOO_MANY_TRANSACTIONS,
          txBytes + " bytes of transactions, at most " + rules.maxBlockTransactionBytes());
    }
    Optional<TransitionResult> bad = checkHeight(parent, height);
    if (bad.isPresent()) {
      return bad.get();
    }
    BlockRun ctx = new BlockRun(parent, height, proposer.address());
    List<Hash> hashes = new ArrayList<>(prepared.length);
    for (int i = 0; i < prepared.length; i++) {
      TxRejection r = applyTransaction(ctx, prepared[i], i);
      if (r != null) {
        return new TransitionResult.Rejected(new BlockRejection(i, r.reason(), r.message()));
      }
      hashes.add(prepared[i].hash);
    }
    return finish(ctx, outcome, hashes);
  }

  /**
   * What a block builder gets: the candidates that apply (in the given order, invalid ones skipped
   * with their reason) and the result of applying them with {@code outcome}.
   */
  public record Assembly(
      List<SignedTransaction> included, List<Skipped> skipped, TransitionResult result) {
    public Assembly {
      included = List.copyOf(included);
      skipped = List.copyOf(skipped);
    }
  }

  /** A candidate left out of a block, and why. */
  public record Skipped(SignedTransaction transaction, TxRejection reason) {}

  /**
   * Builds a block body: applies {@code candidates} in order, skipping any that is invalid at its
   * turn (for example a later nonce of a sender whose earlier transaction was skipped), up to
   * {@code maxTransactions} and {@code maxBytes} of encoded transactions.
   */
  public Assembly assemble(
      WorldState parent,
      long height,
      PublicKey proposer,
      List<SignedTransaction> candidates,
      BlockOutcome outcome,
      int maxTransactions,
      long maxBytes) {
    Optional<TransitionResult> bad = checkHeight(parent, height);
    if (bad.isPresent()) {
      return new Assembly(List.of(), List.of(), bad.get());
    }
    int max = Math.min(maxTransactions, genesis.spec(height).maxBlockTransactions());
    maxBytes = Math.min(maxBytes, genesis.spec(height).maxBlockTransactionBytes());
    Prepared[] prepared = prepare(candidates).items;
    BlockRun ctx = new BlockRun(parent, height, proposer.address());
    List<SignedTransaction> included = new ArrayList<>();
    List<Skipped> skipped = new ArrayList<>();
    List<Hash> hashes = new ArrayList<>();
    long bytes = 0;
    for (Prepared p : prepared) {
      if (included.size() >= max || bytes + p.encoding.length > maxBytes) {
        continue;
      }
      TxRejection r = applyTransaction(ctx, p, included.size());
      if (r != null) {
        skipped.add(new Skipped(p.tx, r));
        continue;
      }
      included.add(p.tx);
      hashes.add(p.hash);
      bytes += p.encoding.length;
    }
    return new Assembly(included, skipped, finish(ctx, outcome, hashes));
  }

  /**
   * Whether {@code tx} could be the next transaction of its sender on top of {@code state}: the
   * full check the block would apply, without changing anything. The mempool uses it for
   * transactions whose nonce is the sender's next.
   */
  public Optional<TxRejection> check(WorldState state, SignedTransaction tx) {
    Prepared p = prepareOne(tx);
    BlockRun ctx = new BlockRun(state, state.height() + 1, NOBODY);
    return Optional.ofNullable(applyTransaction(ctx, p, 0));
  }

  /**
   * The checks that need no state: chain, size, fee, amounts and bounds, signature. The mempool
   * applies them to transactions with future nonces.
   */
  public Optional<TxRejection> checkStateless(SignedTransaction tx) {
    Prepared p = prepareOne(tx);
    TxRejection r = precheck(p);
    if (r == null) {
      r = checkPayloadShape(p.tx);
    }
    return Optional.ofNullable(r);
  }

  private Optional<TransitionResult> checkHeight(WorldState parent, long height) {
    if (height != parent.height() + 1) {
      return Optional.of(
          reject(
              RejectReason.WRONG_HEIGHT,
              "block height " + height + " does not follow state height " + parent.height()));
    }
    return Optional.empty();
  }

  private static TransitionResult reject(RejectReason reason, String message) {
    return new TransitionResult.Rejected(
        new BlockRejection(BlockRejection.NOT_A_TRANSACTION, reason, message));
  }

  // ---------------------------------------------------------------- preparation (parallel)

  /** A transaction with what the sequential part needs, computed once and off the hot path. */
  private static final class Prepared {
    final SignedTransaction tx;
    byte[] encoding;
    Hash hash;
    Address sender;
    boolean chainOk;
    boolean signatureOk;

    Prepared(SignedTransaction tx) {
      this.tx = tx;
    }
  }

  private Prepared prepareOne(SignedTransaction tx) {
    Prepared p = new Prepared(tx);
    fill(p);
    return p;
  }

  private void fill(Prepared p) {
    p.encoding = p.tx.encode();
    p.hash = Hashing.sha256(p.encoding);
    p.sender = p.tx.sender().address();
    p.chainOk = chainId.equals(p.tx.chainId());
    p.signatureOk =
        p.chainOk && p.encoding.length <= maxTransactionBytes && verified(p.tx, p.hash, p.encoding);
  }

  /**
   * The signature check, done once per transaction id in this process (see {@link SignatureCache}).
   */
  private boolean verified(SignedTransaction tx, Hash id, byte[] encoding) {
    if (signatures.contains(id)) {
      return true;
    }
    boolean ok = tx.verifyEncoded(encoding);
    if (ok) {
      signatures.add(id);
    }
    return ok;
  }

  /**
   * Whether {@code tx} is for this chain and carries its sender's valid signature; answered from
   * the shared {@link SignatureCache} when this process verified the same bytes before.
   */
  public boolean verifySignature(SignedTransaction tx) {
    Prepared p = prepareOne(tx);
    return p.signatureOk;
  }

  /**
   * {@link #verifySignature} for every transaction of {@code txs}, checked in parallel on the pool
   * (a batch from gossip); true when all pass.
   */
  public boolean verifySignatures(List<SignedTransaction> txs) {
    for (Prepared p : prepareItems(txs)) {
      if (!p.signatureOk) {
        return false;
      }
    }
    return true;
  }

  /**
   * Transactions with everything that does not depend on the state computed once: encodings, ids,
   * sender addresses and signature checks (run in parallel on the pool). Immutable once built;
   * usable only with the {@link StateTransition} that made it (it checked this chain's id).
   */
  public static final class PreparedTransactions {
    private final StateTransition owner;
    private final Prepared[] items;
    private final List<SignedTransaction> transactions;

    private PreparedTransactions(
        StateTransition owner, Prepared[] items, List<SignedTransaction> txs) {
      this.owner = owner;
      this.items = items;
      this.transactions = List.copyOf(txs);
    }

    public List<SignedTransaction> transactions() {
      return transactions;
    }

    /** The transaction ids, in order. */
    public List<Hash> hashes() {
      List<Hash> out = new ArrayList<>(items.length);
      for (Prepared p : items) {
        out.add(p.hash);
      }
      return out;
    }

    public int size() {
      return items.length;
    }
  }

  /**
   * Checks signatures and computes ids of {@code txs} in parallel, ahead of {@link #apply}. Safe to
   * call from any thread, concurrently with {@code apply} of another block.
   */
  public PreparedTransactions prepare(List<SignedTransaction> txs) {
    return new PreparedTransactions(this, prepareItems(txs), txs);
  }

  private Prepared[] prepareItems(List<SignedTransaction> txs) {
    Prepared[] out = new Prepared[txs.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = new Prepared(txs.get(i));
    }
    if (out.length >= PARALLEL_MIN_TXS && pool.getParallelism() > 1) {
      pool.invoke(new PrepareTask(out, 0, out.length));
    } else {
      for (Prepared p : out) {
        fill(p);
      }
    }
    return out;
  }

  private final class PrepareTask extends RecursiveAction {
    private static final long serialVersionUID = 1L;
    private final transient Prepared[] items;
    private final int from;
    private final int to;

    PrepareTask(Prepared[] items, int from, int to) {
      this.items = items;
      this.from = from;
      this.to = to;
    }

    @Override
    protected void compute() {
      if (to - from <= 8) {
        for (int i = from; i < to; i++) {
          fill(items[i]);
        }
        return;
      }
      int mid = (from + to) >>> 1;
      invokeAll(new PrepareTask(items, from, mid), new PrepareTask(items, mid, to));
    }
  }

  // ---------------------------------------------------------------- transactions (sequential)

  /** Per-block working state and running totals. */
  private static final class BlockRun {
    final Scratch s;
    final long height;
    final Address proposer;
    long fees;
    long minted;
    long burned;

    BlockRun(WorldState parent, long height, Address proposer) {
      this.s = new Scratch(parent);
      this.height = height;
      this.proposer = proposer;
    }
  }

  private static TxRejection rejection(RejectReason reason, String message) {
    return new TxRejection(reason, message);
  }

  private TxRejection precheck(Prepared p) {
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
  private TxRejection checkPayloadShape(SignedTransaction tx) {
    if (tx.nonce() < 0) {
      return rejection(RejectReason.NONCE_TOO_LOW, "negative nonce " + tx.nonce());
    }
    if (tx.payload() instanceof SubmitProblem sp) {
      return checkProblemShape(sp);
    }
    if (tx.payload() instanceof Evidence ev) {
      if (ev.proofLength() == 0 || ev.proofLength() > LedgerLimits.MAX_EVIDENCE_BYTES) {
        return rejection(RejectReason.INVALID_EVIDENCE, "proof of " + ev.proofLength() + " bytes");
      }
      return null;
    }
    Transaction payload = tx.payload();
    long amount;
    if (payload instanceof Transfer t) {
      amount = t.amount();
    } else if (payload instanceof Stake st) {
      amount = st.amount();
    } else if (payload instanceof Unstake u) {
      amount = u.amount();
    } else if (payload instanceof Delegate d) {
      amount = d.amount();
    } else {
      amount = ((Undelegate) payload).amount();
    }
    if (amount <= 0) {
      return rejection(RejectReason.INVALID_AMOUNT, "amount must be positive, got " + amount);
    }
    return null;
  }

  private TxRejection checkProblemShape(SubmitProblem sp) {
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

  /** Members holding {@code role}, not counting {@code except} (may be null); at least 1. */
  private long countWithRole(Role role, Address except) {
    long n =
        members.values().stream().filter(m -> m.has(role) && !m.address().equals(except)).count();
    return Math.max(1, n);
  }

  private boolean hasRole(Address a, Role role) {
    Member m = members.get(a);
    return m != null && m.has(role);
  }

  /** Applies one transaction, or returns why it is invalid having changed nothing. */
  private TxRejection applyTransaction(BlockRun b, Prepared p, int index) {
    TxRejection r = precheck(p);
    ChainSpec rules = genesis.spec(b.height);
    if (r == null && p.encoding.length > rules.maxTransactionBytes()) {
      r = rejection(RejectReason.TOO_LARGE, "transaction of " + p.encoding.length + " bytes");
    }
    if (r == null) {
      r = checkPayloadShape(p.tx);
    }
    if (r != null) {
      return r;
    }
    SignedTransaction tx = p.tx;
    Scratch s = b.s;
    Address from = p.sender;
    Account sender = s.account(from);
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
    // Kind-specific checks; nothing below changes the state before they all pass.
    if (tx.payload() instanceof Unstake u) {
      if (u.amount() > sender.stake()) {
        return rejection(
            RejectReason.INSUFFICIENT_STAKE, "unstake " + u.amount() + ", stake " + sender.stake());
      }
      if (!canAddUnbonding(sender, release, rules.maxUnbondingEntries())) {
        return rejection(RejectReason.TOO_MANY_ENTRIES, "too many unbonding entries");
      }
    } else if (tx.payload() instanceof Delegate d) {
      if (!hasRole(d.miner(), Role.MINER)) {
        return rejection(RejectReason.NOT_A_MINER, d.miner() + " is not a miner");
      }
      if (d.miner().equals(from)) {
        return rejection(RejectReason.SELF_DELEGATION, "a miner cannot delegate to itself");
      }
      if (sender.delegatedTo(d.miner()) == 0
          && sender.delegations().size() >= rules.maxDelegations()) {
        return rejection(RejectReason.TOO_MANY_ENTRIES, "too many delegations");
      }
      Account miner = s.account(d.miner());
      if (Account.amountFor(miner.backers(), from) == 0
          && miner.backers().size() >= rules.maxBackers()) {
        return rejection(RejectReason.TOO_MANY_ENTRIES, "miner has too many delegators");
      }
    } else if (tx.payload() instanceof Undelegate d) {
      if (sender.delegatedTo(d.miner()) < d.amount()) {
        return rejection(
            RejectReason.INSUFFICIENT_DELEGATION,
            "undelegate " + d.amount() + ", delegated " + sender.delegatedTo(d.miner()));
      }
      if (!canAddUnbonding(sender, release, rules.maxUnbondingEntries())) {
        return rejection(RejectReason.TOO_MANY_ENTRIES, "too many unbonding entries");
      }
    } else if (tx.payload() instanceof SubmitProblem) {
      if (!hasRole(from, Role.SUBMITTER)) {
        return rejection(RejectReason.NOT_A_SUBMITTER, from + " is not a submitter");
      }
      if (s.meta().pendingProblems() >= rules.maxPendingProblems()) {
        return rejection(RejectReason.TOO_MANY_PENDING_PROBLEMS, "pending problem limit reached");
      }
      if (s.problemExists(p.hash)) {
        return rejection(RejectReason.PROBLEM_EXISTS, "problem " + p.hash.toShortHex());
      }
    }
    PublicKey offender = null;
    Hash proofHash = null;
    if (tx.payload() instanceof Evidence ev) {
      proofHash = ev.proofHash();
      if (s.evidenceUsed(proofHash)) {
        return rejection(
            RejectReason.EVIDENCE_ALREADY_USED,
            "proof " + proofHash.toShortHex() + " already used");
      }
      Optional<PublicKey> who = evidenceVerifier.offender(ev.proof(), b.height);
      if (who.isEmpty()) {
        return rejection(RejectReason.INVALID_EVIDENCE, "proof convicts nobody");
      }
      offender = who.get();
    }

    // Valid: charge the sender, then apply the effect, then pay the proposer.
    s.putAccount(from, sender.withNonceAndBalance(sender.nonce() + 1, sender.balance() - cost));
    if (tx.payload() instanceof Transfer t) {
      credit(s, t.to(), t.amount());
    } else if (tx.payload() instanceof Stake st) {
      Account a = s.account(from);
      s.putAccount(from, a.withStake(Math.addExact(a.stake(), st.amount())));
    } else if (tx.payload() instanceof Unstake u) {
      Account a = s.account(from);
      s.putAccount(
          from,
          a.withStake(a.stake() - u.amount())
              .withUnbonding(addUnbonding(a.unbonding(), u.amount(), release)));
      enqueueUnbonding(s, release, from);
    } else if (tx.payload() instanceof Delegate d) {
      Account a = s.account(from);
      s.putAccount(from, a.withDelegations(Account.adjust(a.delegations(), d.miner(), d.amount())));
      Account m = s.account(d.miner());
      s.putAccount(d.miner(), m.withBackers(Account.adjust(m.backers(), from, d.amount())));
    } else if (tx.payload() instanceof Undelegate d) {
      Account a = s.account(from);
      s.putAccount(
          from,
          a.withDelegations(Account.adjust(a.delegations(), d.miner(), -d.amount()))
              .withUnbonding(addUnbonding(a.unbonding(), d.amount(), release)));
      Account m = s.account(d.miner());
      s.putAccount(d.miner(), m.withBackers(Account.adjust(m.backers(), from, -d.amount())));
      enqueueUnbonding(s, release, from);
    } else if (tx.payload() instanceof SubmitProblem sp) {
      PendingProblem problem =
          new PendingProblem(
              p.hash,
              from,
              sp.bounty(),
              sp.spec(),
              sp.trainSetHash(),
              sp.trainSetSize(),
              sp.testInputsHash(),
              sp.testLabelsHash(),
              sp.testSampleCount(),
              b.height,
              index,
              ProblemStatus.PENDING,
              0);
      s.putPending(problem);
      ChainMeta m = s.meta();
      s.setMeta(
          new ChainMeta(
              m.height(), m.genesisSupply(), m.minted(), m.burned(), m.pendingProblems() + 1));
      long expiry = b.height + genesis.problemTtlRounds();
      List<Hash> q = new ArrayList<>(s.expiryQueue(expiry));
      q.add(p.hash);
      s.putExpiryQueue(expiry, q);
    } else if (tx.payload() instanceof Evidence) {
      Address off = offender.address();
      long slashed = slash(s, off);
      b.burned += slashed;
      s.putEvidence(proofHash, new EvidenceRecord(b.height, off, slashed));
    }
    credit(s, b.proposer, tx.fee());
    b.fees += tx.fee();
    return null;
  }

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

  private static void credit(Scratch s, Address to, long amount) {
    if (amount == 0) {
      return;
    }
    Account a = s.account(to);
    s.putAccount(to, a.withBalance(Math.addExact(a.balance(), amount)));
  }

  /** Burns slashBps of the offender's stake and of each unbonding entry; returns the total. */
  private long slash(Scratch s, Address offender) {
    Account a = s.account(offender);
    long total = bps(a.stake(), rewards.slashBps());
    List<Account.Unbonding> kept = new ArrayList<>(a.unbonding().size());
    for (Account.Unbonding u : a.unbonding()) {
      long cut = bps(u.amount(), rewards.slashBps());
      total += cut;
      if (u.amount() - cut > 0) {
        kept.add(new Account.Unbonding(u.amount() - cut, u.releaseHeight()));
      }
    }
    s.putAccount(
        offender, a.withStake(a.stake() - bps(a.stake(), rewards.slashBps())).withUnbonding(kept));
    return total;
  }

  /** floor(amount * bps / 10000) without overflow, for 0 <= amount and 0 <= bps <= 10000. */
  static long bps(long amount, int bps) {
    return (amount / 10_000) * bps + (amount % 10_000) * bps / 10_000;
  }

  // ---------------------------------------------------------------- outcome and housekeeping

  private TransitionResult finish(BlockRun b, BlockOutcome outcome, List<Hash> txHashes) {
    BlockRejection bad = applyOutcome(b, outcome);
    if (bad != null) {
      return new TransitionResult.Rejected(bad);
    }
    expireProblems(b);
    matureUnbonding(b);
    ChainMeta m = b.s.meta();
    long minted = Math.addExact(m.minted(), b.minted);
    long burned = Math.addExact(m.burned(), b.burned);
    b.s.setMeta(new ChainMeta(b.height, m.genesisSupply(), minted, burned, m.pendingProblems()));
    WorldState parent = parentOf(b);
    List<StateChange> changes = b.s.changes(pool);
    WorldState next = parent.withChanges(changes, pool);
    StateDiff diff = new StateDiff(parent.root(), next.root(), changes);
    return new TransitionResult.Applied(next, diff, txHashes, b.fees, b.minted, b.burned);
  }

  private static WorldState parentOf(BlockRun b) {
    return b.s.parent();
  }

  private BlockRejection outcomeRejection(RejectReason reason, String message) {
    return new BlockRejection(BlockRejection.NOT_A_TRANSACTION, reason, message);
  }

  private BlockRejection applyOutcome(BlockRun b, BlockOutcome outcome) {
    if (outcome instanceof BlockOutcome.Idle) {
      return null;
    }
    Hash problemId;
    List<Address> participants;
    Role participantRole;
    if (outcome instanceof BlockOutcome.UsefulWork u) {
      problemId = u.problemId();
      participants = u.attesters();
      participantRole = Role.VALIDATOR;
    } else {
      BlockOutcome.Wasted w = (BlockOutcome.Wasted) outcome;
      problemId = w.problemId();
      participants = w.committers();
      participantRole = Role.MINER;
    }
    Optional<PendingProblem> found = b.s.pending(problemId);
    if (found.isEmpty() || found.get().includedHeight() >= b.height) {
      return outcomeRejection(
          RejectReason.PROBLEM_NOT_PENDING,
          "problem " + problemId.toShortHex() + " is not pending before this block");
    }
    PendingProblem problem = found.get();
    Set<Address> seen = new HashSet<>();
    for (Address a : participants) {
      if (!seen.add(a)) {
        return outcomeRejection(RejectReason.DUPLICATE_PARTICIPANT, a + " is listed twice");
      }
      if (!hasRole(a, participantRole)) {
        return outcomeRejection(
            RejectReason.PARTICIPANT_NOT_ELIGIBLE, a + " is not a " + participantRole.id());
      }
      if (participantRole == Role.MINER && a.equals(problem.submitter())) {
        return outcomeRejection(
            RejectReason.PARTICIPANT_NOT_ELIGIBLE, "the submitter cannot mine its own problem");
      }
    }
    long bounty = problem.bounty();
    Scratch s = b.s;
    if (outcome instanceof BlockOutcome.UsefulWork u) {
      Address winner = u.winner();
      if (!hasRole(winner, Role.MINER) || winner.equals(problem.submitter())) {
        return outcomeRejection(
            RejectReason.WINNER_NOT_ELIGIBLE,
            winner + " is not a miner or is the problem's submitter");
      }
      long subsidy = rewards.subsidy();
      ChainMeta m = s.meta();
      if (m.genesisSupply() + (m.minted() + b.minted) > Long.MAX_VALUE - subsidy) {
        return outcomeRejection(RejectReason.SUPPLY_OVERFLOW, "subsidy would overflow the supply");
      }
      long burn = bps(bounty, rewards.bountyBurnBps());
      long validatorPool = bps(bounty, rewards.validatorShareBps());
      long minerPart = bounty - burn - validatorPool;
      long burned = burn;
      // Fixed shares over the whole validator set: a signer left out of the commit loses its
      // share to the burn, never to the others, so a proposer gains nothing by omitting anyone.
      long each = validatorPool / countWithRole(Role.VALIDATOR, null);
      burned += validatorPool - each * participants.size();
      for (Address a : participants) {
        credit(s, a, each);
      }
      List<Account.Delegation> backers = s.account(winner).backers();
      long winnerGets = minerPart;
      if (!backers.isEmpty()) {
        long pool = bps(minerPart, rewards.delegatorShareBps());
        winnerGets -= pool;
        BigInteger totalBacked = BigInteger.ZERO;
        for (Account.Delegation d : backers) {
          totalBacked = totalBacked.add(BigInteger.valueOf(d.amount()));
        }
        long paid = 0;
        for (Account.Delegation d : backers) {
          long share =
              BigInteger.valueOf(pool)
                  .multiply(BigInteger.valueOf(d.amount()))
                  .divide(totalBacked)
                  .longValueExact();
          credit(s, d.counterparty(), share);
          paid += share;
        }
        burned += pool - paid;
      }
      credit(s, winner, winnerGets + subsidy);
      b.minted += subsidy;
      b.burned += burned;
      s.close(problem.closed(ProblemStatus.SOLVED, b.height));
    } else {
      if (participants.isEmpty()) {
        return outcomeRejection(RejectReason.NO_COMMITTERS, "a wasted round needs committers");
      }
      // One fixed share per eligible miner (every miner but the submitter), listed or not: the
      // share of a committer the proposer leaves out is burned, so omitting one gains nothing.
      long each = bounty / countWithRole(Role.MINER, problem.submitter());
      for (Address a : participants) {
        credit(s, a, each);
      }
      b.burned += bounty - each * participants.size();
      s.close(problem.closed(ProblemStatus.WASTED, b.height));
    }
    decrementPending(s);
    return null;
  }

  private static void decrementPending(Scratch s) {
    ChainMeta m = s.meta();
    s.setMeta(
        new ChainMeta(
            m.height(), m.genesisSupply(), m.minted(), m.burned(), m.pendingProblems() - 1));
  }

  /** Problems included problemTtlRounds ago and still pending: refund the bounty less the fee. */
  private void expireProblems(BlockRun b) {
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
      credit(s, problem.submitter(), problem.bounty() - fee);
      credit(s, b.proposer, fee);
      b.fees += fee;
      s.close(problem.closed(ProblemStatus.EXPIRED, b.height));
      decrementPending(s);
    }
    s.putExpiryQueue(b.height, List.of());
  }

  /** Unbonding entries released at this height return to their owners' balances. */
  private void matureUnbonding(BlockRun b) {
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
    }
    s.putUnbondQueue(b.height, List.of());
  }
}
