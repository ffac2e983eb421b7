package org.learnchain.ledger.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import org.learnchain.config.Genesis;
import org.learnchain.config.Rewards;
import org.learnchain.config.spec.ChainSpec;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockHeader;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.GenesisBlock;
import org.learnchain.ledger.PendingProblem;
import org.learnchain.ledger.RejectReason;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.TxRejection;

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
 *
 * <p>This class orchestrates; the parts live beside it: {@link SignaturePreparation} (the
 * state-independent checks), {@link TransactionRules} (one rule per transaction kind), {@link
 * RewardSettlement} (the outcome's economics and slashing) and {@link Housekeeping} (expiry and
 * unbonding). Every unit they move to or from an account is recorded as a {@link
 * org.learnchain.ledger.Payment}, in application order, in {@link TransitionResult.Applied}.
 */
public final class StateTransition {
  private static final int DEFAULT_SIGNATURE_CACHE = 1 << 14;
  private static final Address NOBODY = Address.wrap(new byte[Address.LENGTH]);

  private final Genesis genesis;
  private final Rewards rewards;
  private final ForkJoinPool pool;
  private final SignaturePreparation preparation;
  private final TransactionRules rules;
  private final RewardSettlement settlement;
  private final Housekeeping housekeeping;

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
    this.genesis = Objects.requireNonNull(genesis, "genesis");
    this.rewards = genesis.rewards();
    this.pool = Objects.requireNonNull(pool, "pool");
    this.preparation =
        new SignaturePreparation(
            genesis.chainId(),
            (int) genesis.schedule().maxOver(ChainSpec::maxTransactionBytes),
            pool,
            Objects.requireNonNull(signatures, "signatures"));
    Membership members = new Membership(genesis);
    this.settlement = new RewardSettlement(rewards, members);
    this.housekeeping = new Housekeeping(rewards);
    this.rules =
        new TransactionRules(
            genesis,
            members,
            settlement,
            Objects.requireNonNull(evidenceVerifier, "evidenceVerifier"));
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
    ChainSpec spec = genesis.spec(height);
    if (prepared.length > spec.maxBlockTransactions()) {
      return reject(
          RejectReason.TOO_MANY_TRANSACTIONS,
          prepared.length + " transactions, at most " + spec.maxBlockTransactions());
    }
    long txBytes = 0;
    for (Prepared p : prepared) {
      txBytes += p.encoding.length;
    }
    if (txBytes > spec.maxBlockTransactionBytes()) {
      return reject(
          RejectReason.TOO_MANY_TRANSACTIONS,
          txBytes + " bytes of transactions, at most " + spec.maxBlockTransactionBytes());
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
    TxRejection r = rules.precheck(p);
    if (r == null) {
      r = rules.checkPayloadShape(p.tx);
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
    return preparation.all(txs);
  }

  private Prepared prepareOne(SignedTransaction tx) {
    return preparation.one(tx);
  }

  private TxRejection applyTransaction(BlockRun b, Prepared p, int index) {
    int mark = b.paymentMark();
    long fees = b.proposerFees();
    TxRejection r = rules.apply(b, p, index);
    if (r != null) {
      b.truncatePayments(mark, fees);
    }
    return r;
  }

  /** floor(amount * bps / 10000) without overflow, for 0 <= amount and 0 <= bps <= 10000. */
  static long bps(long amount, int bps) {
    return RewardSettlement.bps(amount, bps);
  }

  // ---------------------------------------------------------------- outcome and housekeeping

  private TransitionResult finish(BlockRun b, BlockOutcome outcome, List<Hash> txHashes) {
    BlockRejection bad = settlement.settle(b, outcome);
    if (bad != null) {
      return new TransitionResult.Rejected(bad);
    }
    housekeeping.expireProblems(b);
    housekeeping.matureUnbonding(b);
    ChainMeta m = b.s.meta();
    long minted = Math.addExact(m.minted(), b.minted);
    long burned = Math.addExact(m.burned(), b.burned);
    b.s.setMeta(new ChainMeta(b.height, m.genesisSupply(), minted, burned, m.pendingProblems()));
    WorldState parent = b.s.parent();
    List<StateChange> changes = b.s.changes(pool);
    WorldState next = parent.withChanges(changes, pool);
    StateDiff diff = new StateDiff(parent.root(), next.root(), changes);
    return new TransitionResult.Applied(
        next, diff, txHashes, b.fees, b.minted, b.burned, b.payments());
  }
}
