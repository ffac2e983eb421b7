/**
 * Storage: {@link org.learnchain.ledger.store.ChainStore} over a byte-level segmented key-value
 * store with frozen column ids ({@link org.learnchain.ledger.store.Column}), one synced batch per
 * block, a schema version and integrity checks at open. The in-memory twin lives here; the RocksDB
 * implementation is in {@code store.rocksdb}, whose dependency is optional so that consensus never
 * has RocksDB on its classpath.
 */
package org.learnchain.ledger.store;
