package org.learnchain.p2p;

/**
 * What a peer did that changes its reputation. Scores start at 0, are clamped to [-200, 100], and a
 * peer whose score falls to the configured ban threshold is disconnected and refused until its ban
 * expires. Protocol violations that break the stream (bad frames, failed decryption) cost a ban at
 * once; mistakes an honest but unlucky peer can make cost little.
 */
public enum ReputationAdjustment {
  FRAME_TOO_LARGE(-100),
  DECRYPTION_FAILED(-100),
  MALFORMED_MESSAGE(-100),
  BAD_BLOB_CHUNK(-50),
  BAD_BLOB_MANIFEST(-50),
  INVALID_MESSAGE_ID(-50),
  INVALID_PEER_RECORD(-20),
  INVALID_RESPONSE(-20),
  REJECTED_GOSSIP(-20),
  UNSOLICITED_RESPONSE(-5),
  RATE_LIMITED(-5),
  REQUEST_TIMEOUT(-2),
  USEFUL_RESPONSE(1);

  private final int delta;

  ReputationAdjustment(int delta) {
    this.delta = delta;
  }

  public int delta() {
    return delta;
  }
}
