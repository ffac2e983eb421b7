package org.learnchain.p2p.core;

import org.learnchain.crypto.PublicKey;
import org.learnchain.proto.p2p.Response;

/** What became of a request sent to a peer. */
sealed interface RequestOutcome {
  PublicKey peer();

  record Reply(PublicKey peer, Response response) implements RequestOutcome {}

  record Failure(PublicKey peer, String reason) implements RequestOutcome {}
}
