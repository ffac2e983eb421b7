package org.learnchain.ledger;

import java.util.Arrays;
import java.util.Objects;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Ed25519Signatures;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.crypto.Signature;
import org.learnchain.crypto.SigningDomain;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;
import org.learnchain.crypto.codec.MalformedEncodingException;

/**
 * A transaction as it travels and is stored: who sends it, for which chain, its position in the
 * sender's sequence, the fee it pays, what it does, and the sender's Ed25519 signature.
 *
 * <p>Canonical encoding (format version 1): {@code u8 version=1 | string chainId | sender[32] | i64
 * nonce | i64 fee | u8 kind | kind fields | signature[64]}. The signature covers every byte before
 * it, inside {@code SigningDomain(chainId, TRANSACTION)}. The transaction id ({@link #hash()}) is
 * SHA-256 of the whole encoding, signature included.
 *
 * <p>The record does not check amounts or fees: a decoded transaction with nonsense values is a
 * value that the state transition or the mempool rejects with a reason.
 */
public record SignedTransaction(
    String chainId,
    PublicKey sender,
    long nonce,
    long fee,
    Transaction payload,
    Signature signature) {
  public static final int FORMAT_VERSION = 1;

  public SignedTransaction {
    Objects.requireNonNull(chainId, "chainId");
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(signature, "signature");
  }

  /** Builds and signs a transaction with {@code key}; the sender is the key's public key. */
  public static SignedTransaction sign(
      PrivateKey key, String chainId, long nonce, long fee, Transaction payload) {
    byte[] body = encodeBody(chainId, key.publicKey(), nonce, fee, payload);
    Signature sig =
        Ed25519Signatures.sign(key, SigningDomain.of(chainId, MessageType.TRANSACTION), body);
    return new SignedTransaction(chainId, key.publicKey(), nonce, fee, payload, sig);
  }

  private static byte[] encodeBody(
      String chainId, PublicKey sender, long nonce, long fee, Transaction payload) {
    CanonicalWriter w = new CanonicalWriter(160);
    writeBody(w, chainId, sender, nonce, fee, payload);
    return w.toByteArray();
  }

  private static void writeBody(
      CanonicalWriter w,
      String chainId,
      PublicKey sender,
      long nonce,
      long fee,
      Transaction payload) {
    w.u8(FORMAT_VERSION).string(chainId).publicKey(sender).i64(nonce).i64(fee);
    Transaction.write(w, payload);
  }

  /** The bytes the signature covers (everything but the signature). */
  public byte[] signingPayload() {
    return encodeBody(chainId, sender, nonce, fee, payload);
  }

  /** The canonical encoding, signature included. */
  public byte[] encode() {
    CanonicalWriter w = new CanonicalWriter(224);
    write(w);
    return w.toByteArray();
  }

  public void write(CanonicalWriter w) {
    writeBody(w, chainId, sender, nonce, fee, payload);
    w.signature(signature);
  }

  /** The transaction id: SHA-256 of {@link #encode()}. */
  public Hash hash() {
    return Hashing.sha256(encode());
  }

  /** The sender's account address. */
  public Address senderAddress() {
    return sender.address();
  }

  /**
   * True when the signature is the sender's over {@link #signingPayload()} in this transaction's
   * own chain domain. Whether the chain is the right one is the caller's check.
   */
  public boolean verifySignature() {
    return verifyEncoded(encode());
  }

  /**
   * Verifies the signature given this transaction's canonical encoding (saves re-encoding when the
   * caller already has it). The encoding must be {@link #encode()}'s output.
   */
  public boolean verifyEncoded(byte[] encoding) {
    if (!validChainId(chainId)) {
      return false;
    }
    byte[] body = Arrays.copyOf(encoding, encoding.length - Signature.LENGTH);
    return Ed25519Signatures.verify(
        sender, SigningDomain.of(chainId, MessageType.TRANSACTION), body, signature);
  }

  static boolean validChainId(String chainId) {
    int n = chainId.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    return n > 0 && n <= SigningDomain.MAX_CHAIN_ID_BYTES;
  }

  /** Reads one transaction; throws {@link MalformedEncodingException} on malformed input. */
  public static SignedTransaction read(CanonicalReader r) {
    int version = r.u8();
    if (version != FORMAT_VERSION) {
      throw new MalformedEncodingException("unsupported transaction format version " + version);
    }
    String chainId = r.string(SigningDomain.MAX_CHAIN_ID_BYTES);
    if (chainId.isEmpty()) {
      throw new MalformedEncodingException("empty chain id");
    }
    PublicKey sender = r.publicKey();
    long nonce = r.i64();
    long fee = r.i64();
    Transaction payload = Transaction.read(r);
    Signature sig = r.signature();
    return new SignedTransaction(chainId, sender, nonce, fee, payload, sig);
  }

  /**
   * Decodes exactly one transaction from {@code bytes}.
   *
   * @throws MalformedEncodingException when the bytes are not a canonical encoding
   */
  public static SignedTransaction decode(byte[] bytes) {
    if (bytes.length > LedgerLimits.MAX_TRANSACTION_BYTES) {
      throw new MalformedEncodingException(
          "transaction of "
              + bytes.length
              + " bytes exceeds "
              + LedgerLimits.MAX_TRANSACTION_BYTES);
    }
    CanonicalReader r = new CanonicalReader(bytes);
    SignedTransaction tx = read(r);
    r.end();
    return tx;
  }

  /** Decodes untrusted bytes into a value or a one-line reason, never an exception. */
  public static Decoded<SignedTransaction> tryDecode(byte[] bytes) {
    return Decoded.of(() -> decode(bytes));
  }

  @Override
  public String toString() {
    return "SignedTransaction[sender="
        + sender.address()
        + ", nonce="
        + nonce
        + ", fee="
        + fee
        + ", payload="
        + payload
        + "]";
  }
}
