package org.learnchain.p2p;

/** The network could not do what its owner asked (bind failed, started twice). */
public final class P2PException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public P2PException(String message) {
    super(message);
  }

  public P2PException(String message, Throwable cause) {
    super(message, cause);
  }
}
