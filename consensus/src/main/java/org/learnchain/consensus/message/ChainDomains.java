package org.learnchain.consensus.message;

import java.util.EnumMap;
import java.util.Map;
import org.learnchain.crypto.Ed25519Signatures;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.crypto.Signature;
import org.learnchain.crypto.SigningDomain;

/**
 * The signing domains of one chain, built once. Every consensus signature goes through here, so
 * none can be made without the chain id and the message type inside the signed bytes.
 */
public final class ChainDomains {
  private final String chainId;
  private final Map<MessageType, SigningDomain> domains = new EnumMap<>(MessageType.class);

  public ChainDomains(String chainId) {
    this.chainId = chainId;
    for (MessageType type : MessageType.values()) {
      domains.put(type, SigningDomain.of(chainId, type));
    }
  }

  public String chainId() {
    return chainId;
  }

  public SigningDomain domain(MessageType type) {
    return domains.get(type);
  }

  public Signature sign(MessageType type, PrivateKey key, byte[] payload) {
    return Ed25519Signatures.sign(key, domains.get(type), payload);
  }

  public boolean verify(MessageType type, PublicKey key, byte[] payload, Signature signature) {
    return Ed25519Signatures.verify(key, domains.get(type), payload, signature);
  }
}
