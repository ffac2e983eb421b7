package org.learnchain.ledger.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.Hash;

class MerkleStateTreeTest {

  static byte[] key(Random rnd, int type) {
    byte[] k = new byte[StateKey.LENGTH];
    rnd.nextBytes(k);
    k[0] = (byte) type;
    return k;
  }

  static MerkleStateTree build(List<byte[]> keys, ForkJoinPool pool) {
    MerkleStateTree.Editor e = MerkleStateTree.empty().edit();
    for (byte[] k : keys) {
      e.put(k, Arrays.copyOf(k, 8));
    }
    return e.finish();
  }

  @Test
  void rootDependsOnTheEntriesNotTheInsertionOrder() {
    Random rnd = new Random(1);
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < 700; i++) {
      keys.add(key(rnd, i % 3));
    }
    Hash first = build(keys, null).rootHash();
    for (int round = 0; round < 5; round++) {
      Collections.shuffle(keys, rnd);
      assertEquals(first, build(keys, ForkJoinPool.commonPool()).rootHash());
    }
    keys.remove(0);
    assertNotEquals(first, build(keys, null).rootHash());
  }

  @Test
  void editsLeaveThePublishedTreeUntouchedAndDeletesRestoreTheRoot() {
    Random rnd = new Random(2);
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      keys.add(key(rnd, 1));
    }
    MerkleStateTree base = build(keys, null);
    Hash baseRoot = base.rootHash();
    byte[] extra = key(rnd, 1);
    MerkleStateTree.Editor e = base.edit();
    e.put(extra, new byte[] {7});
    e.put(keys.get(5), new byte[] {9});
    MerkleStateTree changed = e.finish();
    assertNotEquals(baseRoot, changed.rootHash());
    assertNull(base.get(extra));
    assertArrayEquals(Arrays.copyOf(keys.get(5), 8), base.get(keys.get(5)));
    assertArrayEquals(new byte[] {9}, changed.get(keys.get(5)));
    assertEquals(201, changed.size());
    assertEquals(200, base.size());
    assertEquals(baseRoot, base.rootHash());

    MerkleStateTree.Editor undo = changed.edit();
    undo.delete(extra);
    undo.put(keys.get(5), Arrays.copyOf(keys.get(5), 8));
    undo.delete(key(rnd, 1)); // absent: no effect
    assertEquals(baseRoot, undo.finish().rootHash());
  }

  @Test
  void deletingEverythingGivesTheEmptyRoot() {
    Random rnd = new Random(3);
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      keys.add(key(rnd, 2));
    }
    MerkleStateTree.Editor e = build(keys, null).edit();
    for (byte[] k : keys) {
      e.delete(k);
    }
    MerkleStateTree t = e.finish();
    assertEquals(Hash.ZERO, t.rootHash());
    assertEquals(0, t.size());
  }

  @Test
  void typeScanVisitsExactlyThatTypeInKeyOrder() {
    Random rnd = new Random(4);
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      keys.add(key(rnd, i % 5));
    }
    MerkleStateTree t = build(keys, null);
    for (int type = 0; type < 7; type++) {
      List<byte[]> seen = new ArrayList<>();
      int wanted = type;
      t.forEachOfType(type, (k, v) -> seen.add(k));
      long expected = keys.stream().filter(k -> k[0] == wanted).count();
      assertEquals(expected, seen.size(), "type " + type);
      for (int i = 1; i < seen.size(); i++) {
        assertTrue(Arrays.compareUnsigned(seen.get(i - 1), seen.get(i)) < 0);
      }
    }
  }

  @Test
  void sortedBulkChangesMatchSingleEditsAndAFreshBuild() {
    Random rnd = new Random(9);
    java.util.TreeMap<byte[], byte[]> model = new java.util.TreeMap<>(Arrays::compareUnsigned);
    for (int i = 0; i < 6_000; i++) {
      byte[] k = key(rnd, 1 + rnd.nextInt(3));
      model.put(k, new byte[] {(byte) i});
    }
    List<byte[][]> entries = new ArrayList<>();
    model.forEach((k, v) -> entries.add(new byte[][] {k, v}));
    MerkleStateTree tree = MerkleStateTree.build(entries, ForkJoinPool.commonPool());
    assertEquals(model.size(), tree.size());
    for (int round = 0; round < 6; round++) {
      List<byte[]> existing = new ArrayList<>(model.keySet());
      java.util.TreeMap<byte[], byte[]> changes = new java.util.TreeMap<>(Arrays::compareUnsigned);
      for (int i = 0; i < 3_000; i++) {
        int kind = rnd.nextInt(10);
        if (kind < 4) {
          changes.put(
              existing.get(rnd.nextInt(existing.size())), new byte[] {(byte) rnd.nextInt(), 1});
        } else if (kind < 7) {
          changes.put(key(rnd, rnd.nextInt(8)), new byte[] {2});
        } else if (kind < 9) {
          changes.put(existing.get(rnd.nextInt(existing.size())), null);
        } else {
          changes.put(key(rnd, rnd.nextInt(8)), null); // absent: a no-op
        }
      }
      byte[][] keys = changes.keySet().toArray(new byte[0][]);
      byte[][] values = changes.values().toArray(new byte[0][]);
      MerkleStateTree bulk =
          tree.withSortedChanges(keys, values, round % 2 == 0 ? ForkJoinPool.commonPool() : null);
      MerkleStateTree.Editor e = tree.edit();
      for (int i = 0; i < keys.length; i++) {
        if (values[i] == null) {
          e.delete(keys[i]);
        } else {
          e.put(keys[i], values[i]);
        }
      }
      MerkleStateTree single = e.finish();
      changes.forEach(
          (k, v) -> {
            if (v == null) {
              model.remove(k);
            } else {
              model.put(k, v);
            }
          });
      List<byte[][]> now = new ArrayList<>();
      model.forEach((k, v) -> now.add(new byte[][] {k, v}));
      MerkleStateTree fresh = MerkleStateTree.build(now, null);
      assertEquals(fresh.rootHash(), bulk.rootHash(), "round " + round);
      assertEquals(fresh.rootHash(), single.rootHash(), "round " + round);
      assertEquals(model.size(), bulk.size());
      assertEquals(model.size(), single.size());
      tree = bulk;
    }
  }

  /** Nodes rehashed for the same 16 updates, in a tree of n entries. */
  static int nodesRehashedFor16Updates(int n, long seed) {
    Random rnd = new Random(seed);
    List<byte[]> keys = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      keys.add(key(rnd, 1));
    }
    MerkleStateTree t = build(keys, ForkJoinPool.commonPool());
    MerkleStateTree.Editor e = t.edit();
    for (int i = 0; i < 16; i++) {
      e.put(keys.get(rnd.nextInt(n)), new byte[] {(byte) i});
    }
    int created = e.createdNodes();
    e.finish();
    return created;
  }

  @Test
  void updateCostGrowsWithTheChangesNotWithTheEntries() {
    int small = nodesRehashedFor16Updates(1 << 10, 5);
    int large = nodesRehashedFor16Updates(1 << 17, 5);
    // 128 times more entries: depth grows by log2(128) = 7 levels, the cost by far less than 128x.
    assertTrue(large <= 16 * (17 + 12), "rehashed " + large + " nodes for 16 updates");
    assertTrue(large < small * 3, "small=" + small + " large=" + large);
  }
}
