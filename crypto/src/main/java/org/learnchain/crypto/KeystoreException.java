package org.learnchain.crypto;

/** A keystore that cannot be read or written. The message is one line, fit for an operator. */
public final class KeystoreException extends Exception {
  private static final long serialVersionUID = 1L;

  public KeystoreException(String message) {
    super(message);
  }

  public KeystoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
