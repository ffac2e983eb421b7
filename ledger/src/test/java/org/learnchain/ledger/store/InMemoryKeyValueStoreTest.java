package org.learnchain.ledger.store;

class InMemoryKeyValueStoreTest extends AbstractKeyValueStoreTest {
  @Override
  protected KeyValueStore open() {
    return InMemoryKeyValueStore.create();
  }

  @Override
  protected KeyValueStore reopen(KeyValueStore current) {
    current.close();
    return ((InMemoryKeyValueStore) current).reopen();
  }
}
