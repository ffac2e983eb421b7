package org.learnchain.ledger.state;

import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
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
 * nodes, shared at the top; nothing is proportional to the number of entries. An {@link Editor}
 * copies a published node once and then edits its fresh copy in place; fresh nodes are recognised
 * by a missing hash. Every node reachable from a published tree is hashed, so a published tree is
 * never mutated again and can be read from any thread.
 */
final class MerkleStateTree {
  private static final MerkleStateTree EMPTY = new MerkleStateTree(null, 0);

  /** Below this many fresh leaves, hashing in parallel costs more than it saves. */
  private static final int PARALLEL_THRESHOLD = 512;

  /** Inner nodes above this depth are hashed as separate fork/join tasks. */
  private static final int SPLIT_DEPTH = 7;

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
      n = bit(type, b.bit) == 0 ? b.left : b.right;
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

  private static int bit(int typeByte, int i) {
    return (typeByte >>> (7 - i)) & 1;
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

  Editor edit() {
    return new Editor(root, size);
  }

  /**
   * A batch of changes against one published tree. Not thread-safe; {@link #finish} publishes the
   * result and the editor must not be used afterwards.
   */
  static final class Editor {
    private Node root;
    private int size;
    private int fresh;
    private int created;

    private Editor(Node root, int size) {
      this.root = root;
      this.size = size;
    }

    /** Sets {@code key} to {@code value}; both arrays are owned by the tree from now on. */
    void put(byte[] key, byte[] value) {
      fresh++;
      if (root == null) {
        created++;
        root = new Leaf(key, value);
        size = 1;
        return;
      }
      Node n = root;
      while (n instanceof Branch b) {
        n = bit(key, b.bit) == 0 ? b.left : b.right;
      }
      int d = firstDifferingBit(key, ((Leaf) n).key);
      if (d < 0) {
        root = replace(root, key, value);
      } else {
        created++;
        root = insert(root, key, new Leaf(key, value), d);
        size++;
      }
    }

    /** Removes {@code key} if present. */
    void delete(byte[] key) {
      Node n = root;
      while (n instanceof Branch b) {
        n = bit(key, b.bit) == 0 ? b.left : b.right;
      }
      if (n instanceof Leaf l && Arrays.equals(l.key, key)) {
        fresh++;
        root = remove(root, key);
        size--;
      }
    }

    /** Nodes this editor created: exactly the nodes {@link #finish} will hash. */
    int createdNodes() {
      return created;
    }

    private Branch editable(Branch b) {
      if (b.hash == null) {
        return b;
      }
      created++;
      return new Branch(b.bit, b.left, b.right);
    }

    private Node replace(Node n, byte[] key, byte[] value) {
      if (n instanceof Leaf l) {
        if (l.hash == null) {
          l.value = value;
          return l;
        }
        created++;
        return new Leaf(l.key, value);
      }
      Branch c = editable((Branch) n);
      if (bit(key, c.bit) == 0) {
        c.left = replace(c.left, key, value);
      } else {
        c.right = replace(c.right, key, value);
      }
      return c;
    }

    private Node insert(Node n, byte[] key, Leaf leaf, int d) {
      if (n instanceof Branch b && b.bit < d) {
        Branch c = editable(b);
        if (bit(key, b.bit) == 0) {
          c.left = insert(c.left, key, leaf, d);
        } else {
          c.right = insert(c.right, key, leaf, d);
        }
        return c;
      }
      created++;
      return bit(key, d) == 0 ? new Branch(d, leaf, n) : new Branch(d, n, leaf);
    }

    private Node remove(Node n, byte[] key) {
      if (n instanceof Leaf) {
        return null;
      }
      Branch b = (Branch) n;
      boolean goLeft = bit(key, b.bit) == 0;
      Node child = goLeft ? b.left : b.right;
      Node replaced = remove(child, key);
      if (replaced == null) {
        return goLeft ? b.right : b.left;
      }
      Branch c = editable(b);
      if (goLeft) {
        c.left = replaced;
      } else {
        c.right = replaced;
      }
      return c;
    }

    /**
     * Hashes every fresh node (in parallel on {@code pool} for large batches) and publishes the
     * tree. The join of the hashing tasks orders their writes before the return.
     */
    MerkleStateTree finish(ForkJoinPool pool) {
      if (root != null && root.hash == null) {
        if (pool != null && fresh >= PARALLEL_THRESHOLD && pool.getParallelism() > 1) {
          pool.invoke(new HashTask(root, 0));
        } else {
          hashSequential(root, Hashing.newSha256(), new byte[3]);
        }
      }
      MerkleStateTree t = new MerkleStateTree(root, size);
      root = null;
      return t;
    }
  }

  private static final class HashTask extends RecursiveAction {
    private static final long serialVersionUID = 1L;
    private final transient Node node;
    private final int depth;

    HashTask(Node node, int depth) {
      this.node = node;
      this.depth = depth;
    }

    @Override
    protected void compute() {
      if (depth >= SPLIT_DEPTH || !(node instanceof Branch b)) {
        hashSequential(node, Hashing.newSha256(), new byte[3]);
        return;
      }
      HashTask left = b.left.hash == null ? new HashTask(b.left, depth + 1) : null;
      HashTask right = b.right.hash == null ? new HashTask(b.right, depth + 1) : null;
      if (left != null && right != null) {
        invokeAll(left, right);
      } else if (left != null) {
        left.compute();
      } else if (right != null) {
        right.compute();
      }
      MessageDigest md = Hashing.newSha256();
      hashBranch(b, md, new byte[3]);
    }
  }

  private static void hashSequential(Node n, MessageDigest md, byte[] scratch) {
    if (n.hash != null) {
      return;
    }
    if (n instanceof Leaf l) {
      md.update((byte) 0x00);
      md.update(l.key);
      md.update(l.value);
      l.hash = digest(md);
      return;
    }
    Branch b = (Branch) n;
    hashSequential(b.left, md, scratch);
    hashSequential(b.right, md, scratch);
    hashBranch(b, md, scratch);
  }

  private static void hashBranch(Branch b, MessageDigest md, byte[] scratch) {
    scratch[0] = 0x01;
    scratch[1] = (byte) (b.bit >>> 8);
    scratch[2] = (byte) b.bit;
    md.update(scratch, 0, 3);
    md.update(b.left.hash);
    md.update(b.right.hash);
    b.hash = digest(md);
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
}
