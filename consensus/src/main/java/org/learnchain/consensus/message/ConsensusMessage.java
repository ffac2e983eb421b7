package org.learnchain.consensus.message;

import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PublicKey;
import org.learnchain.crypto.Signature;
import org.learnchain.crypto.codec.CanonicalWriter;

/**
 * A signed message of the round protocol (docs/protocol.md section 3). Each one is a record whose
 * canonical encoding is {@code payload || signature}: the payload holds every field but the
 * signature (with a leading format version), and the signature is the signer's Ed25519 signature of
 * the payload in the domain (chain id, {@link #type()}). Equal messages have equal encodings.
 */
public sealed interface ConsensusMessage
    permits ModelCommit,
        TestReveal,
        PredictionCommit,
        LabelReveal,
        WinnerCertificate,
        MisconductReport,
        Proposal,
        Vote {

  /** Format version written first in every payload. */
  int VERSION = 1;

  MessageType type();

  /** The round (= block height) the message belongs to. */
  long round();

  PublicKey signer();

  Signature signature();

  /** The canonical encoding of everything the signature covers. */
  byte[] signedPayload();

  /** The full canonical encoding, as gossiped and as embedded in blocks. */
  default byte[] encode() {
    byte[] payload = signedPayload();
    return new CanonicalWriter(payload.length + Signature.LENGTH)
        .fixed(payload)
        .signature(signature())
        .toByteArray();
  }

  /** SHA-256 of {@link #encode()}: identifies the message (deduplication, evidence, reports). */
  default Hash id() {
    return Hashing.sha256(encode());
  }

  /** True when the signature is the signer's, on this chain, for this message type. */
  default boolean verifySignature(ChainDomains domains) {
    return domains.verify(type(), signer(), signedPayload(), signature());
  }
}
