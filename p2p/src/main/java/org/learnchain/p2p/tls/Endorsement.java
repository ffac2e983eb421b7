package org.learnchain.p2p.tls;

import java.util.Optional;
import org.learnchain.crypto.Ed25519Signatures;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PublicKey;
import org.learnchain.crypto.Signature;
import org.learnchain.crypto.SigningDomain;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;

/**
 * A member key's statement "this TLS key speaks for me on this chain": Ed25519 in the chain's
 * {@code P2P_HANDSHAKE} domain over {@code label | version | chain id | genesis hash | member key |
 * TLS SubjectPublicKeyInfo}. It rides in the certificate, so chain, genesis and version are checked
 * and the member authenticated inside the TLS handshake. The TLS CertificateVerify (a signature by
 * the endorsed key over the handshake transcript) binds it to the one session: a copied certificate
 * is useless without the TLS private key, which never leaves the node.
 */
public record Endorsement(
    int protocolVersion,
    String chainId,
    Hash genesisHash,
    PublicKey memberKey,
    Signature signature) {
  private static final String LABEL = "learnchain/p2p/tls-endorsement/v1";

  /** Largest encoded endorsement a peer accepts. */
  public static final int MAX_BYTES = 4 + 4 + SigningDomain.MAX_CHAIN_ID_BYTES + 32 + 32 + 64 + 16;

  SigningDomain domain() {
    return SigningDomain.of(chainId, MessageType.P2P_HANDSHAKE);
  }

  byte[] signedPayload(byte[] tlsSpki) {
    return new CanonicalWriter(160 + tlsSpki.length)
        .string(LABEL)
        .i32(protocolVersion)
        .string(chainId)
        .hash(genesisHash)
        .publicKey(memberKey)
        .bytes(tlsSpki)
        .toByteArray();
  }

  /** Whether the member key signed {@code tlsSpki} with these fields. */
  public boolean verifies(byte[] tlsSpki) {
    return Ed25519Signatures.verify(memberKey, domain(), signedPayload(tlsSpki), signature);
  }

  byte[] encode() {
    return new CanonicalWriter(200)
        .i32(protocolVersion)
        .string(chainId)
        .hash(genesisHash)
        .publicKey(memberKey)
        .signature(signature)
        .toByteArray();
  }

  /** Strict decoding; empty for anything malformed (bounds checked before allocation). */
  public static Optional<Endorsement> decode(byte[] bytes) {
    if (bytes.length > MAX_BYTES) {
      return Optional.empty();
    }
    try {
      CanonicalReader r = new CanonicalReader(bytes);
      int version = r.i32();
      String chain = r.string(SigningDomain.MAX_CHAIN_ID_BYTES);
      Hash genesis = r.hash();
      PublicKey key = r.publicKey();
      Signature sig = r.signature();
      r.end();
      if (chain.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new Endorsement(version, chain, genesis, key, sig));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
