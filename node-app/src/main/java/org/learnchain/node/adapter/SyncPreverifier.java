package org.learnchain.node.adapter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.learnchain.config.Genesis;
import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.message.CommitCertificate;
import org.learnchain.consensus.message.PredictionCommit;
import org.learnchain.consensus.message.Vote;
import org.learnchain.consensus.message.WorkSection;
import org.learnchain.consensus.port.MlPort;
import org.learnchain.consensus.statemachine.Committee;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.Decoded;
import org.learnchain.ledger.PendingProblem;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.SubmitProblem;
import org.learnchain.ledger.store.ChainStore;

/**
 * Checks a block fetched by sync before consensus sees it, on a sync worker thread
 * (docs/consensus.md, catch-up): it decodes, its proposer is a member and signed it, its body
 * matches its header, it carries a quorum of validly signed precommits of its parent, and its
 * transactions' signatures verify. A block that fails is the serving peer's fault: sync drops the
 * answer and fetches the range elsewhere. What passes also warms the caches consensus reads when it
 * applies the block: the node's transaction signature cache (through {@code verifySignatures}) and,
 * for a useful-work block, the ML port's memo of model re-runs ({@link DlMlPort#verify}). It is
 * only a cache: consensus applies a block only with a verified commit and checks every rule again;
 * a re-run is found in the memo only for exactly the same model, test inputs, committed
 * predictions, spec, limits and tolerance.
 */
public final class SyncPreverifier {
  /** Problem specs learned from fetched blocks, by problem id (bounded, oldest dropped). */
  private static final int SPECS = 64;

  private final Genesis genesis;
  private final MessageSignatures messages;
  private final Committee committee;
  private final ChainStore store;
  private final Predicate<List<SignedTransaction>> txSignatures;
  private final MlPort ml;
  private final Map<Hash, byte[]> specs =
      new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Hash, byte[]> eldest) {
          return size() > SPECS;
        }
      };

  /**
   * @param txSignatures verifies a list of transactions' signatures, recording each success in the
   *     node's signature cache
   * @param messages the node's memo of verified consensus messages (parent commits' precommits)
   * @param ml the ML port consensus verifies models with (its memo is what the pre-run fills); null
   *     to leave models to consensus
   */
  public SyncPreverifier(
      Genesis genesis,
      ChainStore store,
      Predicate<List<SignedTransaction>> txSignatures,
      MessageSignatures messages,
      MlPort ml) {
    this.genesis = genesis;
    this.messages = messages;
    this.committee = new Committee(genesis);
    this.store = store;
    this.txSignatures = txSignatures;
    this.ml = ml;
  }

  /** A fetched block's verdict: the decoded block, or why the peer's answer is bad. */
  public sealed interface Checked {}

  public record Good(Block block) implements Checked {}

  public record Bad(String reason) implements Checked {}

  /**
   * Checks the block {@code payload}, which a peer served as the block at {@code height}. Cheap
   * checks only; a useful-work block's model re-run is left to {@link #preRun}.
   */
  public Checked check(byte[] payload, long height) {
    Decoded<Block> d = Block.tryDecode(payload);
    if (!(d instanceof Decoded.Ok<Block> ok)) {
      return new Bad("undecodable block: " + ((Decoded.Malformed<Block>) d).reason());
    }
    Block b = ok.value();
    if (b.height() != height) {
      return new Bad("block of height " + b.height() + " served as height " + height);
    }
    if (!committee.isMember(b.header().proposer()) || !b.verifySignature(genesis.chainId())) {
      return new Bad("bad proposer or proposer signature at height " + height);
    }
    Optional<String> body = b.checkBody();
    if (body.isPresent()) {
      return new Bad(
          "block body does not match its header at height " + height + ": " + body.get());
    }
    Result<WorkSection> w = WorkSection.decode(b.work());
    if (!w.isOk()) {
      return new Bad("undecodable work section at height " + height + ": " + w.reason());
    }
    if (height > 1) {
      List<Vote> commit = w.value().parentCommit();
      Result<Boolean> c =
          CommitCertificate.check(
              height - 1,
              b.header().prevHash(),
              commit,
              committee.quorum(),
              committee::isValidator,
              messages::verify);
      if (!c.isOk()) {
        return new Bad("no valid commit of the parent at height " + height + ": " + c.reason());
      }
    }
    if (!b.transactions().isEmpty() && !txSignatures.test(b.transactions())) {
      return new Bad("a transaction with a bad signature at height " + height);
    }
    remember(b);
    return new Good(b);
  }

  /** Notes the specs of problems submitted in {@code b}, for a later useful block's pre-run. */
  private void remember(Block b) {
    for (SignedTransaction tx : b.transactions()) {
      if (tx.payload() instanceof SubmitProblem s) {
        synchronized (specs) {
          specs.put(tx.hash(), s.spec());
        }
      }
    }
  }

  /**
   * Re-runs a useful-work block's model as consensus will when it applies the block, so that the ML
   * port's memo holds the verdict by then. Nothing happens when the block is not useful work or its
   * problem's spec is unknown here (consensus then runs the model itself).
   */
  public void preRun(Block b) {
    if (ml == null || !(b.outcome() instanceof BlockOutcome.UsefulWork)) {
      return;
    }
    Result<WorkSection> w = WorkSection.decode(b.work());
    if (!w.isOk() || !(w.value() instanceof WorkSection.Useful u)) {
      return;
    }
    Optional<byte[]> spec = specOf(b.header().problemId());
    Optional<PredictionCommit> won =
        u.predictions().stream().filter(p -> p.miner().equals(b.header().proposer())).findFirst();
    if (spec.isEmpty() || won.isEmpty()) {
      return;
    }
    ml.verify(
        Bytes.of(spec.get()),
        genesis.limitsAt(b.height()),
        u.model(),
        u.testReveal().testInputs(),
        won.get().predictions(),
        genesis.verificationTolerance());
  }

  private Optional<byte[]> specOf(Hash problemId) {
    synchronized (specs) {
      byte[] s = specs.get(problemId);
      if (s != null) {
        return Optional.of(s);
      }
    }
    return store.headState().pendingProblems().stream()
        .filter(p -> p.id().equals(problemId))
        .map(PendingProblem::spec)
        .findFirst();
  }
}
