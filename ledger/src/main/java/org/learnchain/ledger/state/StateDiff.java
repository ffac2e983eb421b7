package org.learnchain.ledger.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;
import org.learnchain.crypto.codec.MalformedEncodingException;

/**
 * Everything one block changed in the state, sorted by key (distinct), from the state with root
 * {@code parentRoot} to the state with root {@code root}. Stores persist it with the block: it
 * moves the flat state forward, and its inverse moves it back on a reorg.
 */
public record StateDiff(Hash parentRoot, Hash root, List<StateChange> changes) {
  private static final int MAX_VALUE_BYTES = 1 << 24;

  public StateDiff {
    Objects.requireNonNull(parentRoot, "parentRoot");
    Objects.requireNonNull(root, "root");
    changes = List.copyOf(changes);
    for (int i = 1; i < changes.size(); i++) {
      if (changes.get(i - 1).key().compareTo(changes.get(i).key()) >= 0) {
        throw new IllegalArgumentException("state diff keys must be sorted and distinct");
      }
    }
  }

  /** The diff that undoes this one (changes inverted, roots swapped). */
  public StateDiff inverse() {
    List<StateChange> inv = new ArrayList<>(changes.size());
    for (StateChange c : changes) {
      inv.add(c.inverse());
    }
    return new StateDiff(root, parentRoot, inv);
  }

  public byte[] encode() {
    int estimate = 80;
    for (StateChange c : changes) {
      estimate +=
          StateKey.LENGTH
              + 10
              + (c.before() == null ? 0 : c.before().length)
              + (c.after() == null ? 0 : c.after().length);
    }
    CanonicalWriter w = new CanonicalWriter(estimate);
    w.hash(parentRoot).hash(root).i32(changes.size());
    for (StateChange c : changes) {
      w.fixed(c.key().raw());
      writeOptional(w, c.before());
      writeOptional(w, c.after());
    }
    return w.toByteArray();
  }

  private static void writeOptional(CanonicalWriter w, byte[] v) {
    w.bool(v != null);
    if (v != null) {
      w.bytes(v);
    }
  }

  private static byte[] readOptional(CanonicalReader r) {
    return r.bool() ? r.bytes(MAX_VALUE_BYTES) : null;
  }

  /**
   * @throws MalformedEncodingException when the bytes are not one canonical diff
   */
  public static StateDiff decode(byte[] bytes) {
    CanonicalReader r = new CanonicalReader(bytes);
    Hash parent = r.hash();
    Hash root = r.hash();
    List<StateChange> changes =
        r.list(
            Integer.MAX_VALUE,
            rr -> {
              StateKey key = StateKey.wrap(rr.fixed(StateKey.LENGTH));
              byte[] before = readOptional(rr);
              byte[] after = readOptional(rr);
              if (before == null && after == null) {
                throw new MalformedEncodingException("state change with neither value");
              }
              return new StateChange(key, before, after);
            });
    r.end();
    try {
      return new StateDiff(parent, root, changes);
    } catch (IllegalArgumentException e) {
      throw new MalformedEncodingException(e.getMessage());
    }
  }
}
