package org.learnchain.crypto;

/**
 * Every kind of message the protocol signs. The tag goes into the signed bytes (see {@link
 * SigningDomain}), so a signature made for one kind can never be replayed as another. Tags are
 * frozen: changing one invalidates every signature of that kind ever made.
 */
public enum MessageType {
  TRANSACTION("tx"),
  BLOCK("block"),
  MODEL_COMMIT("model-commit"),
  TEST_REVEAL("test-reveal"),
  PREDICTION_COMMIT("prediction-commit"),
  LABEL_REVEAL("label-reveal"),
  WINNER_CERTIFICATE("winner-certificate"),
  MISCONDUCT_REPORT("misconduct-report"),
  /** Retired with fork choice (replaced by prevotes and precommits); the tag stays reserved. */
  ATTESTATION("attestation"),
  P2P_HANDSHAKE("p2p-handshake"),
  PEER_RECORD("peer-record"),
  /** A consensus round's proposal: the proposer's signed choice of a block for (height, round). */
  PROPOSAL("proposal"),
  /** The first vote of a consensus round (docs/consensus.md). */
  PREVOTE("prevote"),
  /** The second vote of a consensus round; more than two thirds of them commit a block. */
  PRECOMMIT("precommit"),
  /**
   * A block's commit (a set of precommits) announced on its own to peers that missed the votes.
   * Never signed as a whole (each precommit in it is); the tag names its gossip topic.
   */
  COMMIT_CERTIFICATE("commit-certificate");

  private final String tag;

  MessageType(String tag) {
    this.tag = tag;
  }

  public String tag() {
    return tag;
  }
}
