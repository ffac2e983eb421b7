package org.learnchain.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Ed25519SignaturesTest {
  private static final HexFormat HEX = HexFormat.of();

  /** RFC 8032 section 7.1, tests 1, 2, 3 and SHA(abc). */
  @ParameterizedTest(name = "RFC 8032 vector {index}")
  @CsvSource({
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60,"
        + "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a,"
        + "'',"
        + "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb,"
        + "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c,"
        + "72,"
        + "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7,"
        + "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025,"
        + "af82,"
        + "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42,"
        + "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf,"
        + "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f,"
        + "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"
  })
  void rfc8032Vectors(String secret, String publicKey, String message, String signature) {
    PrivateKey key = PrivateKey.fromSeed(HEX.parseHex(secret));
    byte[] msg = HEX.parseHex(message == null ? "" : message);
    assertEquals(publicKey, key.publicKey().toHex());
    Signature sig = Ed25519Signatures.signRaw(key, msg);
    assertEquals(signature, sig.toHex());
    assertTrue(Ed25519Signatures.verifyRaw(key.publicKey(), msg, sig));
    byte[] bad = sig.toArray();
    bad[5] ^= 1;
    assertFalse(Ed25519Signatures.verifyRaw(key.publicKey(), msg, Signature.wrap(bad)));
  }

  @Test
  void signatureIsBoundToChainAndMessageType() {
    PrivateKey key = PrivateKey.generate(new SecureRandom());
    byte[] payload = "round 7 commitment".getBytes(StandardCharsets.UTF_8);
    SigningDomain commit = SigningDomain.of("devnet-1", MessageType.MODEL_COMMIT);
    Signature sig = Ed25519Signatures.sign(key, commit, payload);

    assertTrue(Ed25519Signatures.verify(key.publicKey(), commit, payload, sig));
    assertFalse(
        Ed25519Signatures.verify(
            key.publicKey(), SigningDomain.of("devnet-2", MessageType.MODEL_COMMIT), payload, sig),
        "same message on another chain must not verify");
    assertFalse(
        Ed25519Signatures.verify(
            key.publicKey(), SigningDomain.of("devnet-1", MessageType.ATTESTATION), payload, sig),
        "same bytes as another message type must not verify");
    assertFalse(
        Ed25519Signatures.verifyRaw(key.publicKey(), payload, sig),
        "a domain signature is not a raw signature of the payload");
  }

  @Test
  void chainIdBoundaryCannotBeShiftedIntoTheTag() {
    // Length prefixes keep ("ab", type) and ("a", type) with a payload starting 'b' apart.
    SigningDomain a = SigningDomain.of("ab", MessageType.BLOCK);
    SigningDomain b = SigningDomain.of("a", MessageType.BLOCK);
    assertNotEquals(
        HEX.formatHex(a.message(new byte[0])), HEX.formatHex(b.message(new byte[] {'b'})));
  }

  @Test
  void malformedPublicKeyVerifiesFalseWithoutThrowing() {
    PrivateKey key = PrivateKey.generate(new SecureRandom());
    Signature sig = Ed25519Signatures.signRaw(key, new byte[] {1});
    byte[] junk = new byte[32];
    java.util.Arrays.fill(junk, (byte) 0xff);
    assertFalse(Ed25519Signatures.verifyRaw(PublicKey.wrap(junk), new byte[] {1}, sig));
    assertFalse(PublicKey.wrap(junk).isValidPoint());
    assertTrue(key.publicKey().isValidPoint());
  }

  @Test
  void addressIsStableAndDependsOnKey() {
    PrivateKey a = PrivateKey.fromSeed(new byte[32]);
    PrivateKey b = PrivateKey.fromSeed(HEX.parseHex("01".repeat(32)));
    assertEquals(a.publicKey().address(), Address.fromHex(a.publicKey().address().toHex()));
    assertEquals(40, a.publicKey().address().toHex().length());
    assertNotEquals(a.publicKey().address(), b.publicKey().address());
    assertFalse(
        a.toString().contains(HEX.formatHex(new byte[32])), "toString must not show the key");
  }

  /**
   * Verification through cached decoded keys gives the same verdict as Bouncy Castle's byte-key
   * verification, first use and cached alike, on valid signatures, forged ones, non-canonical
   * scalars, small-order and non-canonical key encodings and random bytes.
   */
  @Test
  void cachedKeyVerificationGivesTheByteKeyVerdictOnEveryInput() {
    SecureRandom random = new SecureRandom();
    java.util.List<byte[]> keys = new java.util.ArrayList<>();
    for (String hex :
        new String[] {
          "0100000000000000000000000000000000000000000000000000000000000000",
          "0100000000000000000000000000000000000000000000000000000000000080",
          "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
          "0000000000000000000000000000000000000000000000000000000000000000",
          "0000000000000000000000000000000000000000000000000000000000000080",
          "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
          "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
          "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
          "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
          "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
          "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
          "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
          "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
        }) {
      keys.add(HEX.parseHex(hex));
    }
    for (int i = 0; i < 300; i++) {
      byte[] k = new byte[32];
      random.nextBytes(k);
      keys.add(k);
    }
    // Group order L, little-endian: S + L is the same scalar, non-canonically encoded.
    byte[] order = HEX.parseHex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
    int agreedTrue = 0;
    for (int i = 0; i < 200; i++) {
      PrivateKey key = PrivateKey.generate(random);
      byte[] msg = new byte[1 + random.nextInt(200)];
      random.nextBytes(msg);
      byte[] sig = Ed25519Signatures.signRaw(key, msg).toArray();
      agreedTrue += sameVerdict(key.publicKey().toArray(), msg, sig) ? 1 : 0;
      byte[] forged = sig.clone();
      forged[random.nextInt(64)] ^= (byte) (1 << random.nextInt(8));
      sameVerdict(key.publicKey().toArray(), msg, forged);
      byte[] otherMessage = msg.clone();
      otherMessage[0] ^= 1;
      sameVerdict(key.publicKey().toArray(), otherMessage, sig);
      sameVerdict(key.publicKey().toArray(), msg, withScalarPlus(sig, order));
      // The same signature under every crafted or random key.
      byte[] crafted = keys.get(i % keys.size());
      sameVerdict(crafted, msg, sig);
    }
    assertEquals(200, agreedTrue, "every genuine signature verifies both ways");
    for (byte[] k : keys) {
      for (byte[] sig :
          new byte[][] {
            concat(keys.get(0), new byte[32]), concat(k, new byte[32]), random64(random)
          }) {
        sameVerdict(k, new byte[] {7}, sig);
        sameVerdict(k, new byte[0], sig);
      }
    }
  }

  /** Asserts both ways agree, twice (the second time from the cache); returns the verdict. */
  private static boolean sameVerdict(byte[] key, byte[] msg, byte[] sig) {
    PublicKey k = PublicKey.wrap(key.clone());
    Signature s = Signature.wrap(sig.clone());
    boolean reference = Ed25519Signatures.verifyUncached(k, msg, s);
    assertEquals(reference, Ed25519Signatures.verifyRaw(k, msg, s), HEX.formatHex(key));
    assertEquals(reference, Ed25519Signatures.verifyRaw(k, msg, s), HEX.formatHex(key));
    return reference;
  }

  private static byte[] withScalarPlus(byte[] sig, byte[] order) {
    byte[] out = sig.clone();
    int carry = 0;
    for (int i = 0; i < 32; i++) {
      int v = (out[32 + i] & 0xff) + (order[i] & 0xff) + carry;
      out[32 + i] = (byte) v;
      carry = v >>> 8;
    }
    return out;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] random64(SecureRandom random) {
    byte[] b = new byte[64];
    random.nextBytes(b);
    return b;
  }
}
