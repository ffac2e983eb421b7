package org.learnchain.ledger.store;

import java.util.Optional;
import java.util.function.Function;
import org.learnchain.crypto.codec.MalformedEncodingException;

/**
 * A typed view of one {@link Column}: how its keys and values are encoded. Stored bytes that do not
 * decode are reported as corruption, naming the column.
 */
public record KvColumn<K, V>(
    Column column,
    Function<K, byte[]> keyEncoder,
    Function<V, byte[]> valueEncoder,
    Function<byte[], V> valueDecoder) {

  public Optional<V> get(KeyValueStore kv, K key) {
    return kv.get(column, keyEncoder.apply(key)).map(this::decode);
  }

  public V decode(byte[] value) {
    try {
      return valueDecoder.apply(value);
    } catch (MalformedEncodingException e) {
      throw new CorruptDatabaseException(
          "malformed value in column " + column + ": " + e.getMessage(), e);
    }
  }

  public void put(KeyValueStore.WriteBatch batch, K key, V value) {
    batch.put(column, keyEncoder.apply(key), valueEncoder.apply(value));
  }

  public void delete(KeyValueStore.WriteBatch batch, K key) {
    batch.delete(column, keyEncoder.apply(key));
  }
}
