package org.learnchain.node.adapter;

import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.message.ConsensusMessage;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.state.SignatureCache;

/**
 * Consensus messages whose signatures this node has verified, by id, for the checks outside
 * consensus: gossip validation (a vote, then the same precommit inside a commit announcement) and
 * sync's checks of fetched blocks (the parent commit each block carries). Thread-safe and bounded
 * (ledger's {@link SignatureCache} table). Sound for the same reason as that cache: the id is the
 * SHA-256 of the whole signed encoding, and one instance serves one chain's signing domain, so an
 * id found here stands for exactly the bytes that verified. Consensus keeps its own cache and
 * verifies what it applies again.
 */
public final class MessageSignatures {
  private final ChainDomains domains;
  private final SignatureCache ids;

  public MessageSignatures(String chainId) {
    this.domains = new ChainDomains(chainId);
    this.ids = new SignatureCache(1 << 14);
  }

  /** Whether {@code m}'s signature verifies (found verified, or verified now and remembered). */
  public boolean verify(ConsensusMessage m) {
    Hash id = m.id();
    if (ids.contains(id)) {
      return true;
    }
    if (!m.verifySignature(domains)) {
      return false;
    }
    ids.add(id);
    return true;
  }

  /** Remembers a message this node signed itself. */
  void trust(ConsensusMessage m) {
    ids.add(m.id());
  }
}
