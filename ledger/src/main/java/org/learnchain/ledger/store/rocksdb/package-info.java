/** The RocksDB implementation of the key-value store (needs {@code org.rocksdb:rocksdbjni}). */
package org.learnchain.ledger.store.rocksdb;
