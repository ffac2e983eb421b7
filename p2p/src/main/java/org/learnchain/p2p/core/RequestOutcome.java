package org.learnchain.p2p.core;

import org.learnchain.crypto.PublicKey;
import org.learnchain.proto.p2p.Response;

/** What became of a request sent to a peer. */
sealed interface RequestOutcome {
  PublicKey peer();

  /**
   * An answer; {@code lease} holds the pooled array the response was parsed from (aliasing it), for
   * the consumer that finishes with a blob chunk to give back.
   */
  record Reply(PublicKey peer, Response response, FrameLease lease) implements RequestOutcome {}

  record Failure(PublicKey peer, String reason) implements RequestOutcome {}
}
