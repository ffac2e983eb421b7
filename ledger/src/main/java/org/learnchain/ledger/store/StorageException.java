package org.learnchain.ledger.store;

/** A storage failure: I/O error, unusable database. The message is one line for operators. */
public class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message) {
    super(message);
  }

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
