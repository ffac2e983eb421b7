package org.learnchain.ledger.store;

/** The database was written with a schema version (or columns) this build does not know. */
public final class UnsupportedSchemaException extends StorageException {
  private static final long serialVersionUID = 1L;

  public UnsupportedSchemaException(String message) {
    super(message);
  }
}
