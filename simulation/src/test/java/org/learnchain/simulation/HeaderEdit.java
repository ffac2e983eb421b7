package org.learnchain.simulation;

import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.BlockHeader;

/**
 * A copy of a block header with some of its fields changed: how the rule tests make a header that
 * breaks exactly one rule. {@code HeaderEdit.of(h).attempt(1).build()}.
 */
final class HeaderEdit {
  private final long height;
  private Hash prevHash;
  private long timestampMs;
  private long round;
  private int attempt;
  private Hash problemId;
  private Hash txRoot;
  private Hash workHash;
  private Hash stateRoot;
  private final Hash modelHash;
  private Hash certificateHash;
  private PublicKey proposer;

  private HeaderEdit(BlockHeader h) {
    height = h.height();
    prevHash = h.prevHash();
    timestampMs = h.timestampMs();
    round = h.round();
    attempt = h.attempt();
    problemId = h.problemId();
    txRoot = h.txRoot();
    workHash = h.workHash();
    stateRoot = h.stateRoot();
    modelHash = h.modelHash();
    certificateHash = h.certificateHash();
    proposer = h.proposer();
  }

  static HeaderEdit of(BlockHeader h) {
    return new HeaderEdit(h);
  }

  HeaderEdit prevHash(Hash v) {
    prevHash = v;
    return this;
  }

  HeaderEdit timestampMs(long v) {
    timestampMs = v;
    return this;
  }

  HeaderEdit round(long v) {
    round = v;
    return this;
  }

  HeaderEdit attempt(int v) {
    attempt = v;
    return this;
  }

  HeaderEdit problemId(Hash v) {
    problemId = v;
    return this;
  }

  HeaderEdit txRoot(Hash v) {
    txRoot = v;
    return this;
  }

  HeaderEdit workHash(Hash v) {
    workHash = v;
    return this;
  }

  HeaderEdit stateRoot(Hash v) {
    stateRoot = v;
    return this;
  }

  HeaderEdit certificateHash(Hash v) {
    certificateHash = v;
    return this;
  }

  HeaderEdit proposer(PublicKey v) {
    proposer = v;
    return this;
  }

  BlockHeader build() {
    return new BlockHeader(
        height,
        prevHash,
        timestampMs,
        round,
        attempt,
        problemId,
        txRoot,
        workHash,
        stateRoot,
        modelHash,
        certificateHash,
        proposer);
  }
}
