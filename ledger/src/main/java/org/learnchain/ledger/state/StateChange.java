package org.learnchain.ledger.state;

import java.util.Arrays;
import java.util.Objects;

/**
 * One entry a block changed. {@code before} and {@code after} are the encoded values, {@code null}
 * meaning "absent": keeping both lets a store move its flat state forward and, on a reorg, back.
 */
public record StateChange(StateKey key, byte[] before, byte[] after) {
  public StateChange {
    Objects.requireNonNull(key, "key");
    if (before == null && after == null) {
      throw new IllegalArgumentException("a change needs a before or an after value");
    }
  }

  public boolean isDeletion() {
    return after == null;
  }

  /** The change that undoes this one. */
  public StateChange inverse() {
    return new StateChange(key, after, before);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StateChange c
        && key.equals(c.key)
        && Arrays.equals(before, c.before)
        && Arrays.equals(after, c.after);
  }

  @Override
  public int hashCode() {
    return key.hashCode();
  }

  @Override
  public String toString() {
    return "StateChange[key="
        + key
        + ", before="
        + (before == null ? "absent" : before.length + "B")
        + ", after="
        + (after == null ? "absent" : after.length + "B")
        + "]";
  }
}
