package org.learnchain.ledger;

import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;
import org.learnchain.crypto.codec.MalformedEncodingException;

/**
 * The payload of a {@link SignedTransaction}: what the sender asks the ledger to do. Each kind has
 * a frozen one-byte tag in the canonical encoding; changing a tag changes every transaction hash.
 */
public sealed interface Transaction
    permits Transfer, SubmitProblem, Stake, Unstake, Delegate, Undelegate, Evidence {

  /** The frozen tag written before the payload fields. */
  int kindTag();

  /** Units leaving the sender's spendable balance besides the fee (0 when none). */
  long spend();

  /** Writes the payload fields (without the tag). */
  void writeFields(CanonicalWriter w);

  /** Writes the tag and the fields. */
  static void write(CanonicalWriter w, Transaction tx) {
    w.u8(tx.kindTag());
    tx.writeFields(w);
  }

  /** Reads a tag and the fields that follow it; throws on an unknown tag or malformed fields. */
  static Transaction read(CanonicalReader r) {
    int tag = r.u8();
    return switch (tag) {
      case Transfer.TAG -> new Transfer(r.address(), r.i64());
      case SubmitProblem.TAG -> SubmitProblem.readFields(r);
      case Stake.TAG -> new Stake(r.i64());
      case Unstake.TAG -> new Unstake(r.i64());
      case Delegate.TAG -> new Delegate(r.address(), r.i64());
      case Undelegate.TAG -> new Undelegate(r.address(), r.i64());
      case Evidence.TAG -> new Evidence(r.bytes(LedgerLimits.MAX_EVIDENCE_BYTES));
      default -> throw new MalformedEncodingException("unknown transaction kind " + tag);
    };
  }
}
