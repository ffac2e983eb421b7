package org.learnchain.p2p.tls;

import java.net.Socket;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.asn1.ASN1OctetString;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PublicKey;
import org.learnchain.p2p.DisconnectReason;
import org.learnchain.p2p.core.LogText;

/**
 * Trusts exactly the certificates endorsed ({@link Endorsement}) for this chain, genesis and
 * protocol version by a key this node admits (a genesis member, not banned or denied, not itself,
 * room left), on both sides of a connection. It runs inside the TLS handshake, so a refused peer is
 * gone before any application byte is read. No certificate authority, names or dates are involved
 * (docs/protocol.md, section 8). Cheap checks (shape, version, chain, genesis, admission) run
 * before the one signature check.
 */
public final class MemberTrustManager extends X509ExtendedTrustManager {
  private static final X509Certificate[] NONE = new X509Certificate[0];

  /** Decides admission of a key; empty means admitted. */
  @FunctionalInterface
  public interface Admission {
    Optional<DisconnectReason> check(PublicKey peer, boolean inbound);
  }

  /** A refused certificate, with the reason the node logs and counts. */
  public static final class RefusedCertificateException extends CertificateException {
    private static final long serialVersionUID = 1L;
    private final transient DisconnectReason reason;

    RefusedCertificateException(DisconnectReason reason, String detail) {
      super(reason.code() + ": " + detail);
      this.reason = reason;
    }

    public DisconnectReason reason() {
      return reason;
    }
  }

  private final String chainId;
  private final Hash genesisHash;
  private final int protocolVersion;
  private final Admission admission;

  public MemberTrustManager(
      String chainId, Hash genesisHash, int protocolVersion, Admission admission) {
    this.chainId = chainId;
    this.genesisHash = genesisHash;
    this.protocolVersion = protocolVersion;
    this.admission = admission;
  }

  /** The endorsement a certificate carries, or a refusal when it carries none that parses. */
  public static Endorsement endorsement(Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length != 1 || !(chain[0] instanceof X509Certificate cert)) {
      throw new RefusedCertificateException(
          DisconnectReason.HANDSHAKE_FAILED,
          "expected one certificate, got " + (chain == null ? "none" : chain.length + ""));
    }
    byte[] ext = cert.getExtensionValue(TlsIdentity.ENDORSEMENT_OID.getId());
    if (ext == null || ext.length > Endorsement.MAX_BYTES + 16) {
      throw new RefusedCertificateException(
          DisconnectReason.NOT_A_MEMBER, "certificate carries no member endorsement");
    }
    Optional<Endorsement> e;
    try {
      // extnValue is an OCTET STRING whose content is our OCTET STRING.
      byte[] inner = ASN1OctetString.getInstance(ext).getOctets();
      e = Endorsement.decode(ASN1OctetString.getInstance(inner).getOctets());
    } catch (RuntimeException bad) {
      e = Optional.empty();
    }
    if (e.isEmpty()) {
      throw new RefusedCertificateException(
          DisconnectReason.HANDSHAKE_FAILED, "malformed member endorsement");
    }
    return e.get();
  }

  /** The member key of a peer whose certificate this manager accepted. */
  public static PublicKey memberKey(Certificate[] chain) throws CertificateException {
    return endorsement(chain).memberKey();
  }

  private void check(X509Certificate[] chain, boolean inbound) throws CertificateException {
    Endorsement e = endorsement(chain);
    if (e.protocolVersion() != protocolVersion) {
      throw new RefusedCertificateException(
          DisconnectReason.VERSION_MISMATCH,
          "peer version " + e.protocolVersion() + ", ours " + protocolVersion);
    }
    if (!e.chainId().equals(chainId)) {
      throw new RefusedCertificateException(
          DisconnectReason.CHAIN_MISMATCH, "peer chain '" + LogText.printable(e.chainId()) + "'");
    }
    if (!e.genesisHash().equals(genesisHash)) {
      throw new RefusedCertificateException(
          DisconnectReason.GENESIS_MISMATCH, "peer genesis differs");
    }
    String shortKey = e.memberKey().toHex().substring(0, 8);
    Optional<DisconnectReason> refused = admission.check(e.memberKey(), inbound);
    if (refused.isPresent()) {
      throw new RefusedCertificateException(refused.get(), "key " + shortKey);
    }
    if (!e.verifies(chain[0].getPublicKey().getEncoded())) {
      throw new RefusedCertificateException(
          DisconnectReason.HANDSHAKE_FAILED, "endorsement by " + shortKey + " does not verify");
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain, true);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain, false);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, true);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, false);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, true);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, false);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return NONE;
  }
}
