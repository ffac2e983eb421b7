package org.learnchain.consensus.port;

import java.util.Objects;

/** Everything outside consensus that a node's state machine reaches, in one value. */
public record ConsensusPorts(
    Clock clock,
    Gossip gossip,
    ChainPort chain,
    MlPort ml,
    BlobPort blobs,
    ProblemSecrets secrets,
    SigningJournal journal) {
  public ConsensusPorts {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(gossip, "gossip");
    Objects.requireNonNull(chain, "chain");
    Objects.requireNonNull(ml, "ml");
    Objects.requireNonNull(blobs, "blobs");
    Objects.requireNonNull(secrets, "secrets");
    Objects.requireNonNull(journal, "journal");
  }
}
