package org.learnchain.p2p.core;

import java.util.Objects;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PrivateKey;

/**
 * What both sides of a session must agree on (chain id, protocol version, genesis hash), and this
 * side's member key, which endorses the node's TLS certificate (docs/protocol.md, section 8).
 */
public record HandshakeParams(
    String chainId, int protocolVersion, Hash genesisHash, PrivateKey nodeKey) {
  public HandshakeParams {
    Objects.requireNonNull(chainId, "chainId");
    Objects.requireNonNull(genesisHash, "genesisHash");
    Objects.requireNonNull(nodeKey, "nodeKey");
  }
}
