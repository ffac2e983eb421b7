package org.learnchain.ledger;

import java.util.List;
import java.util.Objects;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;
import org.learnchain.crypto.codec.MalformedEncodingException;

/**
 * What the round a block closes achieved, which decides how the escrowed bounty moves. Consensus
 * derives it from the work section; the ledger checks it against the state and pays it out.
 * Encoding: {@code u8 tag} then the variant's fields.
 */
public sealed interface BlockOutcome
    permits BlockOutcome.Idle, BlockOutcome.UsefulWork, BlockOutcome.Wasted {

  int tag();

  void writeFields(CanonicalWriter w);

  /** No problem was worked on (no pending problem, or the round produced nothing payable). */
  record Idle() implements BlockOutcome {
    static final int TAG = 0;

    @Override
    public int tag() {
      return TAG;
    }

    @Override
    public void writeFields(CanonicalWriter w) {}
  }

  /**
   * The round's problem was solved. Pays its escrowed bounty: Rewards.bountyBurnBps burned, the
   * validator share in fixed shares of (pool / number of validators) to each of {@code attesters}
   * (the signers of the parent commit the block carries; absent validators' shares are burned), the
   * rest to {@code winner} of which Rewards.delegatorShareBps goes to the winner's delegators pro
   * rata; the subsidy is minted for the winner. Rounding remainders are burned.
   */
  record UsefulWork(Hash problemId, Address winner, List<Address> attesters)
      implements BlockOutcome {
    static final int TAG = 1;

    public UsefulWork {
      Objects.requireNonNull(problemId, "problemId");
      Objects.requireNonNull(winner, "winner");
      attesters = List.copyOf(attesters);
    }

    @Override
    public int tag() {
      return TAG;
    }

    @Override
    public void writeFields(CanonicalWriter w) {
      w.hash(problemId).address(winner).list(attesters, CanonicalWriter::address);
    }
  }

  /**
   * The submitter never revealed its test set in time: the miners' work was wasted, and each of
   * {@code committers} is paid a fixed share of (bounty / number of miners other than the
   * submitter); the shares of miners not listed and the remainder are burned.
   */
  record Wasted(Hash problemId, List<Address> committers) implements BlockOutcome {
    static final int TAG = 2;

    public Wasted {
      Objects.requireNonNull(problemId, "problemId");
      committers = List.copyOf(committers);
    }

    @Override
    public int tag() {
      return TAG;
    }

    @Override
    public void writeFields(CanonicalWriter w) {
      w.hash(problemId).list(committers, CanonicalWriter::address);
    }
  }

  static void write(CanonicalWriter w, BlockOutcome outcome) {
    w.u8(outcome.tag());
    outcome.writeFields(w);
  }

  static BlockOutcome read(CanonicalReader r) {
    int tag = r.u8();
    return switch (tag) {
      case Idle.TAG -> new Idle();
      case UsefulWork.TAG ->
          new UsefulWork(
              r.hash(),
              r.address(),
              r.list(LedgerLimits.MAX_OUTCOME_PARTICIPANTS, CanonicalReader::address));
      case Wasted.TAG ->
          new Wasted(
              r.hash(), r.list(LedgerLimits.MAX_OUTCOME_PARTICIPANTS, CanonicalReader::address));
      default -> throw new MalformedEncodingException("unknown block outcome " + tag);
    };
  }

  /** The canonical encoding of {@code outcome}. */
  static byte[] encode(BlockOutcome outcome) {
    CanonicalWriter w = new CanonicalWriter(64);
    write(w, outcome);
    return w.toByteArray();
  }
}
