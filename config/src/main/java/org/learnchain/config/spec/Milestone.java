package org.learnchain.config.spec;

import java.util.Objects;

/**
 * The rules in force from {@code activationHeight} on, until the next milestone.
 *
 * @param activationHeight first height whose blocks follow {@code spec}; 0 for the genesis rules
 * @param spec every rule in force from that height (a milestone in genesis.json lists only what it
 *     changes; the rest carries over from the milestone before)
 */
public record Milestone(long activationHeight, ChainSpec spec) {
  public Milestone {
    if (activationHeight < 0) {
      throw new IllegalArgumentException("activation height " + activationHeight + " < 0");
    }
    Objects.requireNonNull(spec, "spec");
  }
}
