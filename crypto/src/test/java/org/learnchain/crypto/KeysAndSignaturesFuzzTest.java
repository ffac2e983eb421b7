package org.learnchain.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.fuzz.FuzzInputs;

/**
 * Fuzzes the parsing of keys, hashes, addresses and signatures from untrusted bytes and text, and
 * Ed25519 verification on arbitrary (key, signature, message) triples.
 *
 * <p>Input layout: the first 32 bytes are a public key, the next 64 a signature, the rest the
 * message; the whole input, read as ISO-8859-1 text, is also parsed as hex. The contract checked:
 * wrapping bytes of the wrong length and parsing text that is not hex of the right length throw
 * {@link IllegalArgumentException} and nothing else; parsed hex prints back as its lower-case form;
 * verification answers true or false and never throws, whatever the key and signature bytes (a
 * point off the curve, a non-canonical S); a signature valid under a prime-order key does not
 * verify for another message or in another domain.
 */
class KeysAndSignaturesFuzzTest {
  static final SigningDomain DOMAIN = SigningDomain.of("fuzz-chain", MessageType.TRANSACTION);
  static final SigningDomain OTHER_DOMAIN = SigningDomain.of("fuzz-chain", MessageType.BLOCK);

  @FuzzTest(maxDuration = "3m")
  void parsingAndVerificationNeverThrowUnexpectedly(byte[] data) {
    parseHex(data);
    if (data.length < PublicKey.LENGTH + Signature.LENGTH) {
      expectWrongLength(data, PublicKey.LENGTH, PublicKey::wrap);
      expectWrongLength(data, Signature.LENGTH, Signature::wrap);
      return;
    }
    PublicKey key = PublicKey.wrap(Arrays.copyOfRange(data, 0, PublicKey.LENGTH));
    Signature sig =
        Signature.wrap(
            Arrays.copyOfRange(data, PublicKey.LENGTH, PublicKey.LENGTH + Signature.LENGTH));
    byte[] message = Arrays.copyOfRange(data, PublicKey.LENGTH + Signature.LENGTH, data.length);

    boolean fullOrder = key.isValidPoint();
    boolean raw = Ed25519Signatures.verifyRaw(key, message, sig);
    assertEquals(raw, Ed25519Signatures.verifyRaw(key, message, sig), "verification is a function");
    boolean inDomain = Ed25519Signatures.verify(key, DOMAIN, message, sig);
    if (inDomain && fullOrder) {
      assertFalse(Ed25519Signatures.verify(key, OTHER_DOMAIN, message, sig), "domain separation");
      byte[] changed = message.clone();
      changed = changed.length == 0 ? new byte[] {0} : flipFirstBit(changed);
      assertFalse(Ed25519Signatures.verify(key, DOMAIN, changed, sig), "bound to the message");
    }
    assertEquals(key, PublicKey.fromHex(key.toHex()));
    assertEquals(key.address(), Address.of(key));
  }

  private static byte[] flipFirstBit(byte[] b) {
    b[0] ^= 1;
    return b;
  }

  private static void expectWrongLength(byte[] data, int length, Function<byte[], ?> wrap) {
    if (data.length == length) {
      wrap.apply(data);
      return;
    }
    try {
      wrap.apply(data);
    } catch (IllegalArgumentException expected) {
      return;
    }
    throw new AssertionError("wrapped " + data.length + " bytes as a " + length + "-byte value");
  }

  /** Every hex parser either refuses with IllegalArgumentException or round-trips. */
  private static void parseHex(byte[] data) {
    String text = new String(data, StandardCharsets.ISO_8859_1);
    String plain = text.startsWith("0x") ? text.substring(2) : text;
    roundTrip(text, Hash::fromHex, Hash::toHex, plain);
    roundTrip(text, Address::fromHex, Address::toHex, plain);
    roundTrip(text, PublicKey::fromHex, PublicKey::toHex, text);
    roundTrip(text, Signature::fromHex, Signature::toHex, text);
  }

  private static <T> void roundTrip(
      String text, Function<String, T> parse, Function<T, String> print, String expected) {
    T value;
    try {
      value = parse.apply(text);
    } catch (IllegalArgumentException refused) {
      return;
    }
    assertEquals(expected.toLowerCase(Locale.ROOT), print.apply(value));
  }

  static Map<String, byte[]> seeds() {
    PrivateKey key =
        PrivateKey.fromSeed(Hashing.sha256("sig-seed".getBytes(StandardCharsets.UTF_8)).toArray());
    byte[] message = "transfer 10 to alice".getBytes(StandardCharsets.UTF_8);
    Signature sig = Ed25519Signatures.sign(key, DOMAIN, message);
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put("valid-signature", triple(key.publicKey().toArray(), sig.toArray(), message));
    seeds.put(
        "raw-signature",
        triple(
            key.publicKey().toArray(), Ed25519Signatures.signRaw(key, message).toArray(), message));
    seeds.put(
        "hash-hex", ("0x" + Hashing.sha256(message).toHex()).getBytes(StandardCharsets.US_ASCII));
    seeds.put("address-hex", key.publicKey().address().toHex().getBytes(StandardCharsets.US_ASCII));
    seeds.put(
        "signature-hex", sig.toHex().toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    return seeds;
  }

  private static byte[] triple(byte[] key, byte[] sig, byte[] message) {
    byte[] out = new byte[key.length + sig.length + message.length];
    System.arraycopy(key, 0, out, 0, key.length);
    System.arraycopy(sig, 0, out, key.length, sig.length);
    System.arraycopy(message, 0, out, key.length + sig.length, message.length);
    return out;
  }

  @Test
  void seedsCoverValidSignaturesAndAreSaved() {
    byte[] valid = seeds().get("valid-signature");
    PublicKey key = PublicKey.wrap(Arrays.copyOf(valid, PublicKey.LENGTH));
    Signature sig = Signature.wrap(Arrays.copyOfRange(valid, PublicKey.LENGTH, 96));
    assertTrue(
        Ed25519Signatures.verify(key, DOMAIN, Arrays.copyOfRange(valid, 96, valid.length), sig));
    for (byte[] seed : seeds().values()) {
      parsingAndVerificationNeverThrowUnexpectedly(seed);
    }
    FuzzInputs.sync(getClass(), "parsingAndVerificationNeverThrowUnexpectedly", seeds());
  }
}
