package org.learnchain.p2p.core;

import com.google.protobuf.ByteString;
import java.util.Optional;
import org.learnchain.crypto.PublicKey;
import org.learnchain.crypto.Signature;
import org.learnchain.p2p.PeerAddress;

/** Peer records between their wire form and {@link PeerRecord}; wire input is never trusted. */
final class WireRecords {
  private WireRecords() {}

  static org.learnchain.proto.p2p.PeerRecord toProto(PeerRecord r) {
    return org.learnchain.proto.p2p.PeerRecord.newBuilder()
        .setNodeKey(ByteString.copyFrom(r.key().toArray()))
        .setHost(r.address().host())
        .setPort(r.address().port())
        .setSeq(r.seq())
        .setSignature(ByteString.copyFrom(r.signature().toArray()))
        .build();
  }

  /** The record, or empty when a field is malformed (the signature is checked by the caller). */
  static Optional<PeerRecord> parse(org.learnchain.proto.p2p.PeerRecord p) {
    if (p.getNodeKey().size() != PublicKey.LENGTH
        || p.getSignature().size() != Signature.LENGTH
        || p.getPort() < 1
        || p.getPort() > 65535
        || p.getHost().isEmpty()
        || p.getHost().length() > 253
        || p.getSeq() < 0) {
      return Optional.empty();
    }
    return Optional.of(
        new PeerRecord(
            PublicKey.wrap(p.getNodeKey().toByteArray()),
            new PeerAddress(p.getHost(), p.getPort()),
            p.getSeq(),
            Signature.wrap(p.getSignature().toByteArray())));
  }
}
