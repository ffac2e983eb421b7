package org.learnchain.ledger.store;

class InMemoryChainStoreTest extends AbstractChainStoreTest {
  @Override
  protected KeyValueStore openKv() {
    return InMemoryKeyValueStore.create();
  }

  @Override
  protected KeyValueStore reopenKv(KeyValueStore current) {
    current.close();
    return ((InMemoryKeyValueStore) current).reopen();
  }
}
