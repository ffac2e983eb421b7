package org.learnchain.node.status;

import java.util.Locale;
import java.util.Optional;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.message.WorkSection;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockOutcome;

/**
 * What users see of a block (the API's block view, the devnet's lines): the header fields, the
 * outcome and, for a useful-work block, the winner, its certified score and the model's size.
 *
 * @param score the winner's certified score (accuracy for classification, negated mean squared
 *     error for regression); NaN for blocks without a winner
 * @param modelBytes size of the model carried in the block; 0 without one
 */
public record BlockSummary(
    long height,
    Hash hash,
    Hash prevHash,
    Hash stateRoot,
    long timestampMs,
    int attempt,
    Kind kind,
    Hash problemId,
    Optional<Address> winner,
    Address proposer,
    Hash modelHash,
    double score,
    int txCount,
    int modelBytes) {

  /** What kind of round produced the block. */
  public enum Kind {
    GENESIS,
    IDLE,
    USEFUL,
    WASTED;

    /** The lower-case name used in JSON and text output. */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static BlockSummary of(Block b) {
    Kind kind;
    Optional<Address> winner = Optional.empty();
    double score = Double.NaN;
    int modelBytes = 0;
    if (b.height() == 0) {
      kind = Kind.GENESIS;
    } else if (b.outcome() instanceof BlockOutcome.UsefulWork u) {
      kind = Kind.USEFUL;
      winner = Optional.of(u.winner());
      Result<WorkSection> work = WorkSection.decode(b.work());
      if (work.isOk() && work.value() instanceof WorkSection.Useful useful) {
        score = useful.certificate().score();
        modelBytes = useful.model().size();
      }
    } else if (b.outcome() instanceof BlockOutcome.Wasted) {
      kind = Kind.WASTED;
    } else {
      kind = Kind.IDLE;
    }
    return new BlockSummary(
        b.height(),
        b.hash(),
        b.header().prevHash(),
        b.header().stateRoot(),
        b.header().timestampMs(),
        b.header().attempt(),
        kind,
        b.header().problemId(),
        winner,
        b.header().proposer().address(),
        b.header().modelHash(),
        score,
        b.transactions().size(),
        modelBytes);
  }
}
