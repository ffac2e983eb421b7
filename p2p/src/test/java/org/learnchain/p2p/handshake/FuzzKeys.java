package org.learnchain.p2p.handshake;

/** Session keys for fuzz targets of the encrypted frame layer (test code only). */
public final class FuzzKeys {
  private FuzzKeys() {}

  /**
   * Keys whose sealer and opener use one fixed key, so that frames sealed by a test are opened by
   * the decoder under test as if they came from the peer.
   */
  public static SessionKeys loopback() {
    byte[] k = new byte[32];
    for (int i = 0; i < k.length; i++) {
      k[i] = (byte) (0x5a ^ i);
    }
    return new SessionKeys(k, k);
  }
}
