package org.learnchain.p2p.core;

import java.util.Objects;
import org.learnchain.crypto.Ed25519Signatures;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.crypto.Signature;
import org.learnchain.crypto.SigningDomain;
import org.learnchain.crypto.codec.CanonicalWriter;
import org.learnchain.p2p.PeerAddress;

/**
 * A member's signed statement "I listen at {@code address}", relayed in peer lists so members find
 * each other without trusting the relaying peer. The signature covers the canonical encoding of
 * (key, host, port, seq) in the {@code PEER_RECORD} domain; a larger {@code seq} (the signer's wall
 * clock in ms) supersedes a smaller one.
 */
public record PeerRecord(PublicKey key, PeerAddress address, long seq, Signature signature) {
  public PeerRecord {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(signature, "signature");
  }

  public static PeerRecord sign(
      PrivateKey nodeKey, SigningDomain domain, PeerAddress address, long seq) {
    Signature sig =
        Ed25519Signatures.sign(nodeKey, domain, signedBytes(nodeKey.publicKey(), address, seq));
    return new PeerRecord(nodeKey.publicKey(), address, seq, sig);
  }

  public boolean verify(SigningDomain domain) {
    return Ed25519Signatures.verify(key, domain, signedBytes(key, address, seq), signature);
  }

  static byte[] signedBytes(PublicKey key, PeerAddress address, long seq) {
    return new CanonicalWriter(96)
        .publicKey(key)
        .string(address.host())
        .i32(address.port())
        .i64(seq)
        .toByteArray();
  }
}
