package org.learnchain.ledger.store;

/**
 * The database fails an integrity check (checksums, a head block whose content does not match its
 * hash, a state whose root differs from the head's). The node must not serve it.
 */
public final class CorruptDatabaseException extends StorageException {
  private static final long serialVersionUID = 1L;

  public CorruptDatabaseException(String message) {
    super(message);
  }

  public CorruptDatabaseException(String message, Throwable cause) {
    super(message, cause);
  }
}
