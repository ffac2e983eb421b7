package org.learnchain.consensus.statemachine;

import java.util.List;
import java.util.Optional;
import org.learnchain.config.Genesis;
import org.learnchain.consensus.ConsensusConfig;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.message.CommitCertificate;
import org.learnchain.consensus.message.MisconductReport.Reason;
import org.learnchain.consensus.message.Vote;
import org.learnchain.consensus.message.WorkSection;
import org.learnchain.consensus.port.ChainPort;
import org.learnchain.consensus.port.MlPort;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockHeader;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.PendingProblem;
import org.learnchain.ledger.state.TransitionResult;
import org.learnchain.ledger.state.WorldState;

/**
 * Full verification of a block on its parent (docs/protocol.md section 3, step 4), from the block
 * alone: header and body consistency, the proposer's right to the slot, the certificate, both
 * reveals, every commit and prediction the ranking relies on, the recomputed ranking, the model
 * against its commitment, limits and committed predictions, the parent's attestations, and finally
 * the ledger's state transition and state root. Deterministic except for the model check, which
 * tolerates hardware differences up to the genesis tolerance. This class checks what every block
 * must pass (the envelope, the parent commit, the ledger's transition and state root); the rules of
 * each kind of block are {@link UsefulBlockRules} and {@link FallbackBlockRules}.
 */
public final class BlockVerifier {
  /** Salt length of the test commitments: fixed, so {@code H(salt || data)} has one split. */
  public static final int SALT_BYTES = 32;

  private final Genesis genesis;
  private final ChainDomains domains;
  private final Committee committee;
  private final ChainPort chain;
  private final SignatureCache signatures;
  private final UsefulBlockRules useful;
  private final FallbackBlockRules fallback;

  public BlockVerifier(
      ConsensusConfig config,
      ChainDomains domains,
      Committee committee,
      ChainPort chain,
      MlPort ml,
      SignatureCache signatures) {
    this.genesis = config.genesis();
    this.domains = domains;
    this.committee = committee;
    this.chain = chain;
    this.signatures = signatures;
    ModelCommitRule commitRule = new ModelCommitRule(committee, domains, signatures);
    this.useful = new UsefulBlockRules(genesis, domains, ml, signatures, commitRule);
    this.fallback = new FallbackBlockRules(committee, commitRule);
  }

  /** The verdict on a block. */
  public sealed interface Outcome {}

  /** How much of a block to check. */
  public enum Mode {
    /** Every rule, the model's re-run on the test inputs included: what decides a prevote. */
    FULL,
    /**
     * Every rule whose outcome is the same on every machine: what a committed block must pass
     * before it is applied. The model's re-run is left out because its outcome may depend on
     * hardware; a committed block is applied even where the local re-run disagrees.
     */
    DETERMINISTIC
  }

  /**
   * The block is valid; {@code applied} is its state, {@code parentCommit} the commit it carries.
   */
  public record Accepted(TransitionResult.Applied applied, List<Vote> parentCommit)
      implements Outcome {}

  /**
   * The block is invalid.
   *
   * @param rule the rule the block breaks (one code per rule, see {@link BlockRule})
   * @param reason the rule's failure in words, with details for the log
   * @param accused who is at fault (the proposer, or the submitter for a wrong certificate)
   * @param evidence a slashing proof when the fault is provable to every node
   */
  public record Rejected(
      BlockRule rule, String reason, Reason code, PublicKey accused, Optional<byte[]> evidence)
      implements Outcome {}

  static Rejected reject(BlockRule rule, String reason, Reason code, PublicKey accused) {
    return new Rejected(rule, reason, code, accused, Optional.empty());
  }

  /** The problem of the round after {@code parentState}, with its submitter's key. */
  public Optional<RoundProblem> problemFor(WorldState parentState) {
    Optional<PendingProblem> p = parentState.selectProblem();
    if (p.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(RoundProblem.of(p.get(), committee.keyOf(p.get().submitter())));
  }

  public Outcome verify(Block block, Block parent, WorldState parentState) {
    return verify(block, parent, parentState, Mode.FULL);
  }

  public Outcome verify(Block block, Block parent, WorldState parentState, Mode mode) {
    BlockHeader h = block.header();
    PublicKey proposer = h.proposer();
    if (h.height() != parent.height() + 1 || !h.prevHash().equals(parent.hash())) {
      return reject(
          BlockRule.PARENT_LINK,
          "block does not extend its parent",
          Reason.INVALID_BLOCK,
          proposer);
    }
    if (h.round() != h.height()) {
      return reject(
          BlockRule.ROUND_IS_HEIGHT,
          "round " + h.round() + " differs from height",
          Reason.INVALID_BLOCK,
          proposer);
    }
    if (h.attempt() < 0) {
      return reject(
          BlockRule.ATTEMPT_NON_NEGATIVE, "negative attempt", Reason.INVALID_BLOCK, proposer);
    }
    if (h.timestampMs() <= parent.header().timestampMs()) {
      return reject(
          BlockRule.TIMESTAMP_AFTER_PARENT,
          "timestamp not after the parent's",
          Reason.INVALID_BLOCK,
          proposer);
    }
    if (!block.verifySignature(genesis.chainId())) {
      return reject(
          BlockRule.PROPOSER_SIGNATURE, "bad proposer signature", Reason.INVALID_BLOCK, proposer);
    }
    Optional<String> body = block.checkBody();
    if (body.isPresent()) {
      return reject(BlockRule.BODY_CONSISTENT, body.get(), Reason.INVALID_BLOCK, proposer);
    }
    // The chain spec's block budget (docs/chain-spec.md): a p2p frame carries every valid block.
    int maxBlockBytes = genesis.spec(h.height()).maxBlockBytes();
    int size = block.encode().length;
    if (size > maxBlockBytes) {
      return reject(
          BlockRule.BLOCK_SIZE,
          "block of " + size + " bytes exceeds the chain spec's maxBlockBytes " + maxBlockBytes,
          Reason.INVALID_BLOCK,
          proposer);
    }
    Result<WorkSection> work = WorkSection.decode(block.work());
    if (!work.isOk()) {
      return reject(BlockRule.WORK_SECTION_DECODES, work.reason(), Reason.INVALID_BLOCK, proposer);
    }
    List<Vote> commit = work.value().parentCommit();
    Result<Boolean> commitOk = checkParentCommit(commit, parent);
    if (!commitOk.isOk()) {
      return reject(BlockRule.PARENT_COMMIT, commitOk.reason(), Reason.INVALID_BLOCK, proposer);
    }
    RoundSchedule schedule = new RoundSchedule(parent.header().timestampMs(), genesis.rounds());
    Optional<RoundProblem> problem = problemFor(parentState);
    Optional<Rejected> specific;
    if (block.outcome() instanceof BlockOutcome.UsefulWork u) {
      specific = useful.verifyUseful(block, u, work.value(), commit, problem, schedule, mode);
    } else if (block.outcome() instanceof BlockOutcome.Wasted w) {
      specific = fallback.verifyWasted(block, w, work.value(), problem, schedule);
    } else {
      specific = fallback.verifyIdle(block, work.value(), problem, schedule);
    }
    if (specific.isPresent()) {
      return specific.get();
    }
    TransitionResult result = chain.apply(parentState, h, block.transactions(), block.outcome());
    if (result instanceof TransitionResult.Rejected r) {
      return reject(
          BlockRule.LEDGER_TRANSITION,
          "ledger rejected the block: " + r.rejection(),
          Reason.INVALID_BLOCK,
          proposer);
    }
    TransitionResult.Applied applied = (TransitionResult.Applied) result;
    if (!applied.stateRoot().equals(h.stateRoot())) {
      return reject(
          BlockRule.STATE_ROOT,
          "state root mismatch: header "
              + h.stateRoot().toShortHex()
              + " computed "
              + applied.stateRoot().toShortHex(),
          Reason.INVALID_BLOCK,
          proposer);
    }
    return new Accepted(applied, commit);
  }

  /**
   * Every block above height 1 carries its parent's commit, so the chain can be checked from
   * genesis with the validator set alone; block 1's parent is genesis, which needs none.
   */
  private Result<Boolean> checkParentCommit(List<Vote> commit, Block parent) {
    if (parent.height() == 0) {
      return commit.isEmpty()
          ? Result.ok(Boolean.TRUE)
          : Result.err("block 1 carries a commit, but genesis has none");
    }
    return CommitCertificate.check(
        parent.height(),
        parent.hash(),
        commit,
        committee.quorum(),
        committee::isValidator,
        v -> signatures.verify(v, domains));
  }
}
