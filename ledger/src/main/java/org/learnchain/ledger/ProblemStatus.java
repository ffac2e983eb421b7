package org.learnchain.ledger;

import org.learnchain.crypto.codec.MalformedEncodingException;

/** Where a submitted problem stands. Codes are frozen (they are part of the state encoding). */
public enum ProblemStatus {
  /** Funded and waiting to be selected or solved. */
  PENDING(0),
  /** A useful-work block paid its bounty. */
  SOLVED(1),
  /** The submitter did not reveal; the bounty went to the committed miners. */
  WASTED(2),
  /** Pending for Genesis.problemTtlRounds without a result; refunded less the fee. */
  EXPIRED(3);

  private final int code;

  ProblemStatus(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static ProblemStatus fromCode(int code) {
    for (ProblemStatus s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    throw new MalformedEncodingException("unknown problem status " + code);
  }
}
