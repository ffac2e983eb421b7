package org.learnchain.consensus.statemachine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockOutcome;

/**
 * The tree of verified blocks above the latest final block, and the head it implies (DESIGN.md
 * section 3). From the final block down, at every fork the preferred child is: a useful-work block
 * over an idle or closing one (a valid useful block proves the round's submitter revealed, which a
 * closing block denies), then the higher certificate attempt (the submitter moves on only when the
 * earlier winner failed), then the lower block hash. The final block is the root, so nothing final
 * is ever reverted.
 */
public final class ForkChoice {
  /** A verified block's place in the tree. */
  public record Node(Hash hash, Hash parent, long height, boolean useful, int attempt) {
    static Node of(Block b) {
      return new Node(
          b.hash(),
          b.header().prevHash(),
          b.height(),
          b.outcome() instanceof BlockOutcome.UsefulWork,
          b.header().attempt());
    }
  }

  /** Most preferred first. */
  public static final Comparator<Node> PREFERENCE =
      Comparator.comparing((Node n) -> !n.useful())
          .thenComparing(Comparator.comparingInt(Node::attempt).reversed())
          .thenComparing(Node::hash);

  private final Map<Hash, Node> nodes = new HashMap<>();
  private final Map<Hash, List<Node>> children = new HashMap<>();
  private Node root;

  public ForkChoice(Block finalized) {
    root = Node.of(finalized);
    nodes.put(root.hash(), root);
  }

  public boolean contains(Hash hash) {
    return nodes.containsKey(hash);
  }

  public Node root() {
    return root;
  }

  public int size() {
    return nodes.size();
  }

  /** Adds a verified block whose parent is in the tree; false when it is not attachable. */
  public boolean add(Block block) {
    Node n = Node.of(block);
    if (nodes.containsKey(n.hash())) {
      return true;
    }
    if (!nodes.containsKey(n.parent())) {
      return false;
    }
    nodes.put(n.hash(), n);
    children.computeIfAbsent(n.parent(), k -> new ArrayList<>()).add(n);
    return true;
  }

  /** The preferred head: follow the preferred child from the root until a leaf. */
  public Hash head() {
    Node n = root;
    while (true) {
      List<Node> c = children.get(n.hash());
      if (c == null || c.isEmpty()) {
        return n.hash();
      }
      n = c.stream().min(PREFERENCE).orElseThrow();
    }
  }

  /** True when {@code descendant} is {@code ancestor} or lies below it in the tree. */
  public boolean descends(Hash descendant, Hash ancestor) {
    Node n = nodes.get(descendant);
    while (n != null) {
      if (n.hash().equals(ancestor)) {
        return true;
      }
      n = nodes.get(n.parent());
    }
    return false;
  }

  /**
   * Makes {@code hash} (a block in the tree, descending from the root) the new root and forgets
   * every block that does not descend from it.
   */
  public void prune(Hash hash) {
    Node newRoot = nodes.get(hash);
    if (newRoot == null || !descends(hash, root.hash())) {
      throw new IllegalArgumentException("new root is not in the tree under the old root");
    }
    Map<Hash, Node> keep = new HashMap<>();
    Map<Hash, List<Node>> keepChildren = new HashMap<>();
    ArrayDeque<Node> todo = new ArrayDeque<>();
    todo.add(newRoot);
    while (!todo.isEmpty()) {
      Node n = todo.poll();
      keep.put(n.hash(), n);
      List<Node> c = children.get(n.hash());
      if (c != null) {
        keepChildren.put(n.hash(), c);
        todo.addAll(c);
      }
    }
    nodes.clear();
    nodes.putAll(keep);
    children.clear();
    children.putAll(keepChildren);
    root = newRoot;
  }

  public Node node(Hash hash) {
    return nodes.get(hash);
  }
}
