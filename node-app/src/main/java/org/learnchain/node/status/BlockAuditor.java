package org.learnchain.node.status;

import java.util.Optional;
import org.learnchain.config.Genesis;
import org.learnchain.consensus.ConsensusConfig;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.Verdict;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.message.PredictionCommit;
import org.learnchain.consensus.message.WorkSection;
import org.learnchain.consensus.port.ChainPort;
import org.learnchain.consensus.port.MlPort;
import org.learnchain.consensus.statemachine.BlockVerifier;
import org.learnchain.consensus.statemachine.Committee;
import org.learnchain.consensus.statemachine.SignatureCache;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.PendingProblem;
import org.learnchain.ledger.state.WorldState;
import org.learnchain.ledger.store.ChainStore;

/**
 * Re-verifies a stored block on request (the auditor's {@code admin verify-block}). While the
 * parent's state is still held (blocks above the finalized height) it runs consensus's own block
 * verifier: every check a node makes on import. Below that, the state is gone, so it checks what a
 * useful-work block proves about its model: the model bytes hash to the header's model hash and the
 * certificate's, the test reveal opens the problem's commitment, and re-running the model on the
 * revealed test inputs reproduces the winner's committed predictions within the tolerance.
 */
public final class BlockAuditor {
  private final Genesis genesis;
  private final ChainStore store;
  private final ChainPort chain;
  private final MlPort ml;
  private final BlockVerifier verifier;
  private final java.util.function.Function<Hash, java.util.OptionalDouble> headroom;

  public BlockAuditor(Genesis genesis, ChainStore store, ChainPort chain, MlPort ml) {
    this(genesis, store, chain, ml, h -> java.util.OptionalDouble.empty());
  }

  /**
   * @param headroom the headroom of a model's latest verification on this node, by model hash
   */
  public BlockAuditor(
      Genesis genesis,
      ChainStore store,
      ChainPort chain,
      MlPort ml,
      java.util.function.Function<Hash, java.util.OptionalDouble> headroom) {
    this.headroom = headroom;
    this.genesis = genesis;
    this.store = store;
    this.chain = chain;
    this.ml = ml;
    this.verifier =
        new BlockVerifier(
            ConsensusConfig.of(genesis),
            new ChainDomains(genesis.chainId()),
            new Committee(genesis),
            chain,
            ml,
            new SignatureCache(1024));
  }

  /**
   * The outcome of an audit.
   *
   * @param mode {@code full} (consensus's verifier) or {@code model} (model binding and re-run)
   * @param reason empty when valid
   * @param headroom the re-run's largest output difference over the tolerance (1 = the limit), or
   *     -1 when the block carries no model or the re-run did not pass
   */
  public record Audit(
      Block block,
      boolean valid,
      String reason,
      String mode,
      long elapsedMs,
      Hash modelHash,
      double headroom) {}

  /** Audits the canonical block at {@code height}; empty when there is none. */
  public Optional<Audit> audit(long height) {
    Optional<Block> b = store.canonicalBlock(height);
    if (b.isEmpty()) {
      return Optional.empty();
    }
    Block block = b.get();
    long start = System.nanoTime();
    if (height == 0) {
      boolean ok = block.hash().equals(store.genesisBlock().hash());
      return Optional.of(
          new Audit(block, ok, ok ? "" : "not this genesis", "full", 0, Hash.ZERO, -1));
    }
    Optional<Block> parent = store.block(block.header().prevHash());
    Optional<WorldState> parentState = parent.flatMap(p -> chain.stateAfter(p.hash()));
    String reason;
    String mode;
    if (parent.isPresent() && parentState.isPresent()) {
      mode = "full";
      BlockVerifier.Outcome o = verifier.verify(block, parent.get(), parentState.get());
      reason = o instanceof BlockVerifier.Rejected r ? r.reason() : "";
    } else {
      mode = "model";
      reason = auditModel(block);
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    return Optional.of(
        new Audit(
            block,
            reason.isEmpty(),
            reason,
            mode,
            ms,
            block.header().modelHash(),
            reason.isEmpty() && block.outcome() instanceof BlockOutcome.UsefulWork
                ? headroom.apply(block.header().modelHash()).orElse(-1)
                : -1));
  }

  private String auditModel(Block block) {
    if (!(block.outcome() instanceof BlockOutcome.UsefulWork u)) {
      // An idle or wasted block carries no model; its transactions were checked on import and
      // its state is final.
      return "";
    }
    Result<WorkSection> decoded = WorkSection.decode(block.work());
    if (!decoded.isOk() || !(decoded.value() instanceof WorkSection.Useful work)) {
      return "work section is not a useful-work proof";
    }
    Hash modelHash = work.model().sha256();
    if (!modelHash.equals(block.header().modelHash())
        || !modelHash.equals(work.certificate().modelHash())) {
      return "model bytes do not hash to the header's and certificate's model hash";
    }
    if (!work.certificate().winner().address().equals(u.winner())) {
      return "certificate winner is not the block's winner";
    }
    Optional<PendingProblem> problem = store.headState().problem(u.problemId());
    if (problem.isEmpty()) {
      return "problem " + u.problemId().toShortHex() + " is unknown";
    }
    PendingProblem p = problem.get();
    if (!work.testReveal().matches(p.testInputsHash())) {
      return "test reveal does not open the problem's test-input commitment";
    }
    Optional<PredictionCommit> winner =
        work.predictions().stream()
            .filter(pc -> pc.miner().equals(work.certificate().winner()))
            .findFirst();
    if (winner.isEmpty()) {
      return "the block lacks the winner's prediction commit";
    }
    Verdict v =
        ml.verify(
            org.learnchain.consensus.Bytes.of(p.spec()),
            genesis.limitsAt(block.header().height()),
            work.model(),
            work.testReveal().testInputs(),
            winner.get().predictions(),
            genesis.verificationTolerance());
    return v.isValid() ? "" : v.reason();
  }
}
