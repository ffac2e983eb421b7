package org.learnchain.ledger.state;

import java.security.DigestException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveTask;
import java.util.function.BiConsumer;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;

/**
 * A persistent (immutable, structure-sharing) Merkle crit-bit tree over 33-byte keys: the
 * authenticated dictionary behind the state root.
 *
 * <p>Shape: a leaf per key; an inner node wherever two keys first differ, labelled with that bit
 * index. The shape is a function of the key set alone (not of insertion order), so two nodes with
 * the same entries always compute the same root. Hashes: {@code leaf = H(0x00 || key || value)},
 * {@code inner = H(0x01 || u16 bit || left || right)}, empty tree = {@link Hash#ZERO}. The bit
 * label in the inner hash makes the shape part of what is committed.
 *
 * <p>Cost: the depth is about log2(entries), so changing k entries copies and rehashes O(k log n)
 * nodes, shared at the top; nothing is proportional to the number of entries. Edits copy a
 * published node once and then edit the fresh copy in place; fresh nodes are recognised by a
 * missing hash. Every node reachable from a published tree is hashed, so a published tree is never
 * mutated again and can be read from any thread.
 *
 * <p>A sorted batch of changes ({@link #withSortedChanges}) is merged recursively: the changes
 * falling in disjoint subtrees are merged and hashed by separate fork/join tasks.
 */
final class MerkleStateTree {
  private static final MerkleStateTree EMPTY = new MerkleStateTree(null, 0);

  /** Below this many changes in a subtree, forking a task costs more than it saves. */
  private static final int FORK_THRESHOLD = 256;

  private abstract static class Node {
    byte[] hash;
  }

  private static final class Leaf extends Node {
    final byte[] key;
    byte[] value;

    Leaf(byte[] key, byte[] value) {
      this.key = key;
      this.value = value;
    }
  }

  private static final class Branch extends Node {
    final int bit;
    Node left;
    Node right;

    Branch(int bit, Node left, Node right) {
      this.bit = bit;
      this.left = left;
      this.right = right;
    }
  }

  private final Node root;
  private final int size;

  private MerkleStateTree(Node root, int size) {
    this.root = root;
    this.size = size;
  }

  static MerkleStateTree empty() {
    return EMPTY;
  }

  int size() {
    return size;
  }

  Hash rootHash() {
    return root == null ? Hash.ZERO : Hash.wrap(root.hash);
  }

  /** The value stored under {@code key}, or null. The returned array must not be modified. */
  byte[] get(byte[] key) {
    Node n = root;
    while (n instanceof Branch b) {
      n = bit(key, b.bit) == 0 ? b.left : b.right;
    }
    if (n instanceof Leaf l && Arrays.equals(l.key, key)) {
      return l.value;
    }
    return null;
  }

  /** Visits every entry whose first key byte is {@code type}, in key order. */
  void forEachOfType(int type, BiConsumer<byte[], byte[]> visitor) {
    Node n = root;
    // Descend while the split is inside the type byte; below that, a subtree's keys all share it.
    while (n instanceof Branch b && b.bit < 8) {
      n = ((type >>> (7 - b.bit)) & 1) == 0 ? b.left : b.right;
    }
    if (n != null && (anyKey(n)[0] & 0xff) == type) {
      visit(n, visitor);
    }
  }

  /** Visits every entry in key order. */
  void forEach(BiConsumer<byte[], byte[]> visitor) {
    if (root != null) {
      visit(root, visitor);
    }
  }

  private static void visit(Node n, BiConsumer<byte[], byte[]> visitor) {
    if (n instanceof Leaf l) {
      visitor.accept(l.key, l.value);
    } else {
      Branch b = (Branch) n;
      visit(b.left, visitor);
      visit(b.right, visitor);
    }
  }

  private static byte[] anyKey(Node n) {
    while (n instanceof Branch b) {
      n = b.left;
    }
    return ((Leaf) n).key;
  }

  static int bit(byte[] key, int i) {
    return (key[i >>> 3] >>> (7 - (i & 7))) & 1;
  }

  /** Index of the first bit where a and b differ, or -1 when equal. */
  static int firstDifferingBit(byte[] a, byte[] b) {
    int i = Arrays.mismatch(a, b);
    if (i < 0) {
      return -1;
    }
    return i * 8 + Integer.numberOfLeadingZeros((a[i] ^ b[i]) & 0xff) - 24;
  }

  // ------------------------------------------------------------------ single-key edits

  /** Per-thread bookkeeping of an edit: digest, size change, nodes created (= nodes to hash). */
  private static final class Ctx {
    final MessageDigest md = Hashing.newSha256();
    final byte[] scratch = new byte[3];
    int sizeDelta;
    int created;

    void absorb(Ctx other) {
      sizeDelta += other.sizeDelta;
      created += other.created;
    }
  }

  private static Branch editable(Branch b, Ctx c) {
    if (b.hash == null) {
      return b;
    }
    c.created++;
    return new Branch(b.bit, b.left, b.right);
  }

  /** Sets key to value (value null: deletes) in the subtree {@code root}; returns the new root. */
  private static Node single(Node root, byte[] key, byte[] value, Ctx c) {
    if (root == null) {
      if (value == null) {
        return null;
      }
      c.created++;
      c.sizeDelta++;
      return new Leaf(key, value);
    }
    Node n = root;
    while (n instanceof Branch b) {
      n = bit(key, b.bit) == 0 ? b.left : b.right;
    }
    int d = firstDifferingBit(key, ((Leaf) n).key);
    if (value == null) {
      if (d >= 0) {
        return root; // absent: nothing to delete
      }
      c.sizeDelta--;
      return remove(root, key, c);
    }
    if (d < 0) {
      return replace(root, key, value, c);
    }
    c.created++;
    c.sizeDelta++;
    return insert(root, key, new Leaf(key, value), d, c);
  }

  private static Node replace(Node n, byte[] key, byte[] value, Ctx c) {
    if (n instanceof Leaf l) {
      if (l.hash == null) {
        l.value = value;
        return l;
      }
      c.created++;
      return new Leaf(l.key, value);
    }
    Branch e = editable((Branch) n, c);
    if (bit(key, e.bit) == 0) {
      e.left = replace(e.left, key, value, c);
    } else {
      e.right = replace(e.right, key, value, c);
    }
    return e;
  }

  private static Node insert(Node n, byte[] key, Leaf leaf, int d, Ctx c) {
    if (n instanceof Branch b && b.bit < d) {
      Branch e = editable(b, c);
      if (bit(key, b.bit) == 0) {
        e.left = insert(e.left, key, leaf, d, c);
      } else {
        e.right = insert(e.right, key, leaf, d, c);
      }
      return e;
    }
    c.created++;
    return bit(key, d) == 0 ? new Branch(d, leaf, n) : new Branch(d, n, leaf);
  }

  private static Node remove(Node n, byte[] key, Ctx c) {
    if (n instanceof Leaf) {
      return null;
    }
    Branch b = (Branch) n;
    boolean goLeft = bit(key, b.bit) == 0;
    Node replaced = remove(goLeft ? b.left : b.right, key, c);
    if (replaced == null) {
      return goLeft ? b.right : b.left;
    }
    Branch e = editable(b, c);
    if (goLeft) {
      e.left = replaced;
    } else {
      e.right = replaced;
    }
    return e;
  }

  // ------------------------------------------------------------------ hashing

  private static void hashFresh(Node n, Ctx c) {
    if (n == null || n.hash != null) {
      return;
    }
    if (n instanceof Leaf l) {
      c.md.update((byte) 0x00);
      c.md.update(l.key);
      c.md.update(l.value);
      l.hash = digest(c.md);
      return;
    }
    Branch b = (Branch) n;
    hashFresh(b.left, c);
    hashFresh(b.right, c);
    c.scratch[0] = 0x01;
    c.scratch[1] = (byte) (b.bit >>> 8);
    c.scratch[2] = (byte) b.bit;
    c.md.update(c.scratch, 0, 3);
    c.md.update(b.left.hash);
    c.md.update(b.right.hash);
    b.hash = digest(c.md);
  }

  private static byte[] digest(MessageDigest md) {
    byte[] out = new byte[Hash.LENGTH];
    try {
      md.digest(out, 0, Hash.LENGTH);
    } catch (DigestException e) {
      throw new IllegalStateException("SHA-256 output buffer is 32 bytes", e);
    }
    return out;
  }

  // ------------------------------------------------------------------ batch edits

  /**
   * A batch of single-key changes in any order. Not thread-safe; {@link #finish} publishes the
   * result and the editor must not be used afterwards.
   */
  Editor edit() {
    return new Editor(root, size);
  }

  static final class Editor {
    private Node root;
    private final Ctx ctx = new Ctx();
    private final int baseSize;

    private Editor(Node root, int size) {
      this.root = root;
      this.baseSize = size;
    }

    /** Sets {@code key} to {@code value}; both arrays are owned by the tree from now on. */
    void put(byte[] key, byte[] value) {
      root = single(root, key, value, ctx);
    }

    /** Removes {@code key} if present. */
    void delete(byte[] key) {
      root = single(root, key, null, ctx);
    }

    /** Nodes this editor created: exactly the nodes {@link #finish} will hash. */
    int createdNodes() {
      return ctx.created;
    }

    MerkleStateTree finish() {
      hashFresh(root, ctx);
      MerkleStateTree t = new MerkleStateTree(root, baseSize + ctx.sizeDelta);
      root = null;
      return t;
    }
  }

  /**
   * The tree with {@code keys[i]} set to {@code values[i]} (null deletes). Keys must be sorted in
   * unsigned order without duplicates. Subtrees receiving many changes are merged and hashed in
   * parallel on {@code pool}.
   */
  MerkleStateTree withSortedChanges(byte[][] keys, byte[][] values, ForkJoinPool pool) {
    if (keys.length == 0) {
      return this;
    }
    Merge m =
        new Merge(root, keys, values, 0, keys.length, pool != null && pool.getParallelism() > 1);
    Node r = keys.length >= FORK_THRESHOLD && m.parallel ? pool.invoke(m) : m.compute();
    return new MerkleStateTree(r, size + m.ctx.sizeDelta);
  }

  /** Builds a tree from entries in any order (a store's flat state at open). */
  static MerkleStateTree build(List<byte[][]> entries, ForkJoinPool pool) {
    List<byte[][]> sorted = new ArrayList<>(entries);
    sorted.sort((a, b) -> Arrays.compareUnsigned(a[0], b[0]));
    byte[][] keys = new byte[sorted.size()][];
    byte[][] values = new byte[sorted.size()][];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = sorted.get(i)[0];
      values[i] = sorted.get(i)[1];
      if (i > 0 && Arrays.equals(keys[i - 1], keys[i])) {
        throw new IllegalArgumentException("duplicate state key");
      }
    }
    return EMPTY.withSortedChanges(keys, values, pool);
  }

  /** Merges the sorted changes [lo, hi) into subtree {@code node} and hashes the result. */
  private static final class Merge extends RecursiveTask<Node> {
    private static final long serialVersionUID = 1L;
    private final transient Node node;
    private final transient byte[][] keys;
    private final transient byte[][] values;
    private final int lo;
    private final int hi;
    private final boolean parallel;
    private final transient Ctx ctx = new Ctx();

    Merge(Node node, byte[][] keys, byte[][] values, int lo, int hi, boolean parallel) {
      this.node = node;
      this.keys = keys;
      this.values = values;
      this.lo = lo;
      this.hi = hi;
      this.parallel = parallel;
    }

    @Override
    protected Node compute() {
      Node r = merge(node, lo, hi);
      hashFresh(r, ctx);
      return r;
    }

    private Node merge(Node n, int from, int to) {
      if (from == to) {
        return n;
      }
      if (n == null) {
        return buildFresh(from, to);
      }
      if (!(n instanceof Branch b)) {
        Node r = n;
        for (int i = from; i < to; i++) {
          r = single(r, keys[i], values[i], ctx);
        }
        return r;
      }
      // Keys sharing this subtree's prefix (its first b.bit bits) form a contiguous run of the
      // sorted changes; the few outside it (new keys diverging higher up) are applied singly.
      byte[] rep = anyKey(b);
      int in = from;
      int out = to;
      while (in < out && firstDifferingBit(keys[in], rep) < b.bit) {
        in++;
      }
      while (out > in && firstDifferingBit(keys[out - 1], rep) < b.bit) {
        out--;
      }
      int mid = in;
      int hiBound = out;
      while (mid < hiBound) { // first change with bit b.bit set
        int m = (mid + hiBound) >>> 1;
        if (bit(keys[m], b.bit) == 0) {
          mid = m + 1;
        } else {
          hiBound = m;
        }
      }
      Node left;
      Node right;
      if (parallel && mid - in >= FORK_THRESHOLD && out - mid >= FORK_THRESHOLD) {
        Merge leftTask = new Merge(b.left, keys, values, in, mid, true);
        leftTask.fork();
        Merge rightTask = new Merge(b.right, keys, values, mid, out, true);
        right = rightTask.compute();
        left = leftTask.join();
        ctx.absorb(leftTask.ctx);
        ctx.absorb(rightTask.ctx);
      } else {
        left = merge(b.left, in, mid);
        right = merge(b.right, mid, out);
      }
      Node r;
      if (left == b.left && right == b.right) {
        r = b;
      } else if (left == null) {
        r = right;
      } else if (right == null) {
        r = left;
      } else {
        Branch e = editable(b, ctx);
        e.left = left;
        e.right = right;
        r = e;
      }
      for (int i = from; i < in; i++) {
        r = single(r, keys[i], values[i], ctx);
      }
      for (int i = out; i < to; i++) {
        r = single(r, keys[i], values[i], ctx);
      }
      return r;
    }

    /** A fresh subtree from sorted inserts (deletions of absent keys are dropped). */
    private Node buildFresh(int from, int to) {
      int n = 0;
      for (int i = from; i < to; i++) {
        n += values[i] != null ? 1 : 0;
      }
      if (n == 0) {
        return null;
      }
      byte[][] k = new byte[n][];
      byte[][] v = new byte[n][];
      int j = 0;
      for (int i = from; i < to; i++) {
        if (values[i] != null) {
          k[j] = keys[i];
          v[j++] = values[i];
        }
      }
      Build build = new Build(k, v, 0, n, parallel);
      Node r = build.compute();
      ctx.absorb(build.ctx);
      return r;
    }
  }

  /** Builds and hashes the subtree of sorted, distinct, present entries [lo, hi). */
  private static final class Build extends RecursiveTask<Node> {
    private static final long serialVersionUID = 1L;
    private final transient byte[][] keys;
    private final transient byte[][] values;
    private final int lo;
    private final int hi;
    private final boolean parallel;
    private final transient Ctx ctx = new Ctx();

    Build(byte[][] keys, byte[][] values, int lo, int hi, boolean parallel) {
      this.keys = keys;
      this.values = values;
      this.lo = lo;
      this.hi = hi;
      this.parallel = parallel;
    }

    @Override
    protected Node compute() {
      Node r = range(lo, hi);
      hashFresh(r, ctx);
      return r;
    }

    private Node range(int from, int to) {
      if (to - from == 1) {
        ctx.created++;
        ctx.sizeDelta++;
        return new Leaf(keys[from], values[from]);
      }
      int d = firstDifferingBit(keys[from], keys[to - 1]);
      int mid = from;
      int hiBound = to;
      while (mid < hiBound) {
        int m = (mid + hiBound) >>> 1;
        if (bit(keys[m], d) == 0) {
          mid = m + 1;
        } else {
          hiBound = m;
        }
      }
      Node left;
      Node right;
      if (parallel && mid - from >= 4 * FORK_THRESHOLD && to - mid >= 4 * FORK_THRESHOLD) {
        Build l = new Build(keys, values, from, mid, true);
        l.fork();
        Build r = new Build(keys, values, mid, to, true);
        right = r.compute();
        left = l.join();
        ctx.absorb(l.ctx);
        ctx.absorb(r.ctx);
      } else {
        left = range(from, mid);
        right = range(mid, to);
      }
      ctx.created++;
      return new Branch(d, left, right);
    }
  }
}
