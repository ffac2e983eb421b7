package org.learnchain.p2p.handshake;

import java.util.Arrays;

/**
 * The two AES-256-GCM keys of an authenticated session, one per direction, so that the nonce
 * counters of the two sides never collide under one key.
 */
public final class SessionKeys {
  private final byte[] sendKey;
  private final byte[] receiveKey;

  SessionKeys(byte[] sendKey, byte[] receiveKey) {
    this.sendKey = sendKey.clone();
    this.receiveKey = receiveKey.clone();
  }

  public FrameSealer sealer() {
    return new FrameSealer(sendKey);
  }

  public FrameOpener opener() {
    return new FrameOpener(receiveKey);
  }

  /** Wipes the key material once the ciphers have been built. */
  public void destroy() {
    Arrays.fill(sendKey, (byte) 0);
    Arrays.fill(receiveKey, (byte) 0);
  }

  @Override
  public String toString() {
    return "SessionKeys[redacted]";
  }
}
