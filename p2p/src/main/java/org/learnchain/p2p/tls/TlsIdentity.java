package org.learnchain.p2p.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.learnchain.crypto.Ed25519Signatures;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.crypto.Signature;

/**
 * A node's TLS identity: a fresh ECDSA P-256 key made at start and a self-signed X.509 certificate
 * for it that carries the node's <em>endorsement</em>, its member Ed25519 key's signature over the
 * certificate key, the chain id, the genesis hash and the protocol version ({@link Endorsement}).
 * Peers trust the certificate for the member key that endorsed it and for nothing else
 * (docs/protocol.md, section 8).
 *
 * <p>Why not an Ed25519 certificate: the JDK's TLS accepts one, but BoringSSL leaves Ed25519 out of
 * the signature algorithms it verifies and netty-tcnative offers no way to add it, and Netty's
 * OpenSSL engine cannot select an EdDSA key (netty/netty#10916). An endorsed P-256 key works with
 * both providers and keeps the member key out of the TLS stack: it signs once per start.
 */
public final class TlsIdentity {
  /** The certificate extension holding the endorsement (a UUID-derived OID, RFC 9562 / X.667). */
  public static final ASN1ObjectIdentifier ENDORSEMENT_OID =
      new ASN1ObjectIdentifier("2.25.53478688874355615844416415200450220348");

  private final X509Certificate certificate;
  private final java.security.PrivateKey privateKey;
  private final PublicKey memberKey;

  private TlsIdentity(
      X509Certificate certificate, java.security.PrivateKey privateKey, PublicKey memberKey) {
    this.certificate = certificate;
    this.privateKey = privateKey;
    this.memberKey = memberKey;
  }

  /** Makes a TLS key and its certificate, endorsed by {@code nodeKey} for this chain. */
  public static TlsIdentity create(
      PrivateKey nodeKey,
      String chainId,
      org.learnchain.crypto.Hash genesisHash,
      int protocolVersion,
      SecureRandom random) {
    return create(nodeKey, nodeKey.publicKey(), chainId, genesisHash, protocolVersion, random);
  }

  /**
   * As {@link #create(PrivateKey, String, org.learnchain.crypto.Hash, int, SecureRandom)}, but
   * naming {@code claimed} as the member: a certificate no peer accepts unless {@code claimed} is
   * {@code signer}'s key. Exists for tests of forged certificates.
   */
  public static TlsIdentity create(
      PrivateKey signer,
      PublicKey claimed,
      String chainId,
      org.learnchain.crypto.Hash genesisHash,
      int protocolVersion,
      SecureRandom random) {
    PrivateKey nodeKey = signer;
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec("secp256r1"), random);
      KeyPair tlsKey = gen.generateKeyPair();
      byte[] spki = tlsKey.getPublic().getEncoded();
      Endorsement unsigned =
          new Endorsement(
              protocolVersion,
              chainId,
              genesisHash,
              claimed,
              Signature.wrap(new byte[Signature.LENGTH]));
      Signature sig =
          Ed25519Signatures.sign(nodeKey, unsigned.domain(), unsigned.signedPayload(spki));
      Endorsement endorsement =
          new Endorsement(protocolVersion, chainId, genesisHash, claimed, sig);
      X500Name name = new X500Name("CN=" + claimed.toHex());
      // Fixed, wide validity: the endorsement, not the dates, is what peers check.
      JcaX509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              name,
              new BigInteger(64, random).add(BigInteger.ONE),
              new Date(0L),
              new Date(253402300799000L), // 9999-12-31T23:59:59Z
              name,
              tlsKey.getPublic());
      builder.addExtension(ENDORSEMENT_OID, false, new DEROctetString(endorsement.encode()));
      ContentSigner certSigner =
          new JcaContentSignerBuilder("SHA256withECDSA").build(tlsKey.getPrivate());
      byte[] der = builder.build(certSigner).getEncoded();
      X509Certificate cert =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(new ByteArrayInputStream(der));
      return new TlsIdentity(cert, tlsKey.getPrivate(), claimed);
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot build the TLS certificate: " + e.getMessage(), e);
    }
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** The TLS key (P-256): proves possession in each TLS handshake; never leaves this process. */
  public java.security.PrivateKey privateKey() {
    return privateKey;
  }

  public PublicKey memberKey() {
    return memberKey;
  }
}
