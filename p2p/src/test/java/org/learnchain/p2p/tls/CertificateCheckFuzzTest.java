package org.learnchain.p2p.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.Ed25519Signatures;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.Signature;
import org.learnchain.crypto.fuzz.FuzzInputs;
import org.learnchain.p2p.DisconnectReason;
import org.learnchain.p2p.TestSupport;

/**
 * Fuzzes what a peer's certificate meets inside the TLS handshake: byte 0 picks the target, the
 * rest is either an encoded {@link Endorsement} (strict decoding: never throws, round-trips, and a
 * decoded endorsement verifies for no key but the one it was made for) or a certificate's DER,
 * parsed by the JDK and judged by {@link MemberTrustManager} (only {@link CertificateException}
 * ever escapes, and nothing without a verifying endorsement by the one admitted member key is
 * accepted).
 */
class CertificateCheckFuzzTest {
  private static final PrivateKey MEMBER = TestSupport.key("member-0");
  private static final byte[] FIXED_SPKI = "fixed tls key".getBytes(StandardCharsets.US_ASCII);
  private static final MemberTrustManager TRUST =
      new MemberTrustManager(
          TestSupport.CHAIN,
          TestSupport.GENESIS,
          1,
          (k, inbound) ->
              k.equals(MEMBER.publicKey())
                  ? Optional.empty()
                  : Optional.of(DisconnectReason.NOT_A_MEMBER));

  @FuzzTest(maxDuration = "3m")
  void certificateBytes(byte[] data) {
    if (data.length == 0) {
      return;
    }
    byte[] rest = Arrays.copyOfRange(data, 1, data.length);
    if ((data[0] & 1) == 0) {
      Optional<Endorsement> e = Endorsement.decode(rest);
      if (e.isPresent()) {
        assertEquals(e, Endorsement.decode(e.get().encode()), "no round trip");
        byte[] other = Hashing.sha256(rest).toArray();
        if (e.get().verifies(other)) {
          // Only possible for an endorsement really signed over these bytes: never from input.
          throw new AssertionError("an endorsement verified for bytes nobody signed");
        }
      }
      return;
    }
    X509Certificate cert;
    try {
      cert =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(new ByteArrayInputStream(rest));
    } catch (CertificateException | RuntimeException e) {
      return; // the JDK refuses it before our check runs
    }
    try {
      TRUST.checkClientTrusted(new X509Certificate[] {cert}, "UNKNOWN");
      Endorsement e = MemberTrustManager.endorsement(new X509Certificate[] {cert});
      assertEquals(MEMBER.publicKey(), e.memberKey());
      assertTrue(e.verifies(cert.getPublicKey().getEncoded()));
    } catch (CertificateException expected) {
      // refused with a reason
    }
  }

  static byte[] input(int mode, byte[] body) {
    byte[] out = new byte[body.length + 1];
    out[0] = (byte) mode;
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }

  static Map<String, byte[]> seeds() {
    Endorsement unsigned =
        new Endorsement(
            1,
            TestSupport.CHAIN,
            TestSupport.GENESIS,
            MEMBER.publicKey(),
            Signature.wrap(new byte[Signature.LENGTH]));
    Signature sig =
        Ed25519Signatures.sign(MEMBER, unsigned.domain(), unsigned.signedPayload(FIXED_SPKI));
    Endorsement signed =
        new Endorsement(1, TestSupport.CHAIN, TestSupport.GENESIS, MEMBER.publicKey(), sig);
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put("endorsement", input(0, signed.encode()));
    seeds.put(
        "endorsement-other-chain",
        input(0, new Endorsement(1, "x", Hash.ZERO, MEMBER.publicKey(), sig).encode()));
    seeds.put("der-garbage", input(1, new byte[] {0x30, (byte) 0x82, 0x01, 0x00, 0x30}));
    return seeds;
  }

  @Test
  void realCertificatesAreJudgedAndSeedsAreSaved() throws Exception {
    TlsIdentity good =
        TlsIdentity.create(MEMBER, TestSupport.CHAIN, TestSupport.GENESIS, 1, new SecureRandom());
    X509Certificate[] chain = {good.certificate()};
    TRUST.checkClientTrusted(chain, "EC");
    certificateBytes(input(1, good.certificate().getEncoded()));
    // The same certificate fed back with one byte flipped anywhere is refused or unparseable.
    byte[] der = good.certificate().getEncoded();
    for (int i = 0; i < der.length; i += 7) {
      byte[] bad = der.clone();
      bad[i] ^= 0x01;
      certificateBytes(input(1, bad));
    }
    TlsIdentity stranger =
        TlsIdentity.create(
            TestSupport.key("stranger"),
            TestSupport.CHAIN,
            TestSupport.GENESIS,
            1,
            new SecureRandom());
    MemberTrustManager.RefusedCertificateException r =
        assertThrows(
            MemberTrustManager.RefusedCertificateException.class,
            () -> TRUST.checkClientTrusted(new X509Certificate[] {stranger.certificate()}, "EC"));
    assertEquals(DisconnectReason.NOT_A_MEMBER, r.reason());
    TlsIdentity forged =
        TlsIdentity.create(
            TestSupport.key("stranger"),
            MEMBER.publicKey(),
            TestSupport.CHAIN,
            TestSupport.GENESIS,
            1,
            new SecureRandom());
    r =
        assertThrows(
            MemberTrustManager.RefusedCertificateException.class,
            () -> TRUST.checkServerTrusted(new X509Certificate[] {forged.certificate()}, "EC"));
    assertEquals(DisconnectReason.HANDSHAKE_FAILED, r.reason());
    assertFalse(
        Endorsement.decode(seeds().get("endorsement")).isPresent(), "mode byte is not part of it");
    for (byte[] s : seeds().values()) {
      certificateBytes(s);
    }
    FuzzInputs.sync(getClass(), "certificateBytes", seeds());
  }
}
