package org.learnchain.config.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import org.learnchain.crypto.codec.CanonicalWriter;

/**
 * The chain's rules by height: a list of {@link Milestone}s, the first at height 0, activation
 * heights strictly increasing. A rule changes at a planned height without a new genesis: every node
 * whose genesis holds the milestone switches at the same block. Like Besu's {@code
 * ProtocolSchedule} and Teku's spec milestones; see docs/chain-spec.md.
 */
public final class ProtocolSchedule {
  private final List<Milestone> milestones;

  /**
   * @throws IllegalArgumentException when the list is empty, does not start at height 0, or its
   *     heights do not strictly increase
   */
  public ProtocolSchedule(List<Milestone> milestones) {
    this.milestones = List.copyOf(milestones);
    if (this.milestones.isEmpty() || this.milestones.get(0).activationHeight() != 0) {
      throw new IllegalArgumentException("a schedule starts with a milestone at height 0");
    }
    for (int i = 1; i < this.milestones.size(); i++) {
      if (this.milestones.get(i).activationHeight()
          <= this.milestones.get(i - 1).activationHeight()) {
        throw new IllegalArgumentException(
            "milestone heights must strictly increase, got "
                + this.milestones.get(i - 1).activationHeight()
                + " then "
                + this.milestones.get(i).activationHeight());
      }
    }
  }

  /** One milestone: the same rules at every height. */
  public static ProtocolSchedule of(ChainSpec spec) {
    return new ProtocolSchedule(List.of(new Milestone(0, spec)));
  }

  public List<Milestone> milestones() {
    return milestones;
  }

  /** The genesis rules (height 0). */
  public ChainSpec genesisSpec() {
    return milestones.get(0).spec();
  }

  /** The rules that a block at {@code height} follows. */
  public ChainSpec at(long height) {
    ChainSpec spec = milestones.get(0).spec();
    for (Milestone m : milestones) {
      if (m.activationHeight() > height) {
        break;
      }
      spec = m.spec();
    }
    return spec;
  }

  /**
   * The largest value of one rule over all milestones: what a check that does not know the height
   * (a decoder, a frame size, a signature pre-check) must allow.
   */
  public long maxOver(ToLongFunction<ChainSpec> rule) {
    long max = Long.MIN_VALUE;
    for (Milestone m : milestones) {
      max = Math.max(max, rule.applyAsLong(m.spec()));
    }
    return max;
  }

  /** The largest p2p frame any block of this chain needs, over all milestones. */
  public int requiredFrameBytes() {
    return (int) maxOver(s -> s.derived().requiredFrameBytes());
  }

  /** Writes every milestone, all its rules, in declaration order (for the genesis hash). */
  public void writeTo(CanonicalWriter w) {
    w.list(
        milestones,
        (mw, m) -> {
          ChainSpec s = m.spec();
          mw.i64(m.activationHeight());
          mw.i64(s.maxModelBytes()).i32(s.maxTransactionBytes()).i32(s.maxBlockTransactions());
          mw.i32(s.maxBlockTransactionBytes()).i32(s.maxBlockBytes());
          mw.i32(s.maxPendingProblems()).i32(s.maxUnbondingEntries()).i32(s.maxDelegations());
          mw.i32(s.maxBackers()).i32(s.evidenceWindowRounds()).i32(s.maxTrainingSamples());
        });
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProtocolSchedule other && milestones.equals(other.milestones);
  }

  @Override
  public int hashCode() {
    return milestones.hashCode();
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    for (Milestone m : milestones) {
      parts.add(m.activationHeight() + ": " + m.spec());
    }
    return "ProtocolSchedule" + parts;
  }
}
