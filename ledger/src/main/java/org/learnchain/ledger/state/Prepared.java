package org.learnchain.ledger.state;

import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.SignedTransaction;

/** A transaction with what the sequential part needs, computed once and off the hot path. */
final class Prepared {
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
