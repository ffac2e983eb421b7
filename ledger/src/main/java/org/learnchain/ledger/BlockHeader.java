package org.learnchain.ledger;

import java.util.Objects;
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
 * A block header. Its {@link #hash()} is the block's id; the proposer signs that hash in {@code
 * SigningDomain(chainId, BLOCK)}.
 *
 * <p>Canonical encoding (format version 1): {@code u8 version=1 | i64 height | prevHash | i64
 * timestampMs | i64 round | i32 attempt | problemId | txRoot | workHash | stateRoot | modelHash |
 * certificateHash | proposer[32]}.
 *
 * @param problemId the round's problem, {@link Hash#ZERO} on idle blocks
 * @param txRoot {@link TxMerkle#root} of the body's transaction hashes
 * @param workHash SHA-256 of the opaque work section, {@link Hash#ZERO} when it is empty
 * @param stateRoot the world state root after this block
 * @param modelHash the winning model's hash, {@link Hash#ZERO} on idle blocks
 * @param certificateHash the winner certificate's hash, {@link Hash#ZERO} on idle blocks
 */
public record BlockHeader(
    long height,
    Hash prevHash,
    long timestampMs,
    long round,
    int attempt,
    Hash problemId,
    Hash txRoot,
    Hash workHash,
    Hash stateRoot,
    Hash modelHash,
    Hash certificateHash,
    PublicKey proposer) {
  public static final int FORMAT_VERSION = 1;

  /** Size of the canonical encoding: fixed, since every field has a fixed width. */
  public static final int ENCODED_LENGTH = 1 + 8 + 32 + 8 + 8 + 4 + 32 * 6 + 32;

  public BlockHeader {
    Objects.requireNonNull(prevHash, "prevHash");
    Objects.requireNonNull(problemId, "problemId");
    Objects.requireNonNull(txRoot, "txRoot");
    Objects.requireNonNull(workHash, "workHash");
    Objects.requireNonNull(stateRoot, "stateRoot");
    Objects.requireNonNull(modelHash, "modelHash");
    Objects.requireNonNull(certificateHash, "certificateHash");
    Objects.requireNonNull(proposer, "proposer");
  }

  public byte[] encode() {
    CanonicalWriter w = new CanonicalWriter(ENCODED_LENGTH);
    write(w);
    return w.toByteArray();
  }

  public void write(CanonicalWriter w) {
    w.u8(FORMAT_VERSION)
        .i64(height)
        .hash(prevHash)
        .i64(timestampMs)
        .i64(round)
        .i32(attempt)
        .hash(problemId)
        .hash(txRoot)
        .hash(workHash)
        .hash(stateRoot)
        .hash(modelHash)
        .hash(certificateHash)
        .publicKey(proposer);
  }

  /** The block id: SHA-256 of the canonical header encoding. */
  public Hash hash() {
    return Hashing.sha256(encode());
  }

  /** The proposer's signature over {@link #hash()}; {@code key} must be the proposer's. */
  public Signature sign(PrivateKey key, String chainId) {
    if (!key.publicKey().equals(proposer)) {
      throw new IllegalArgumentException("only the proposer signs its header");
    }
    return Ed25519Signatures.sign(key, domain(chainId), hash().toArray());
  }

  /** True when {@code signature} is the proposer's signature of this header on {@code chainId}. */
  public boolean verifySignature(Signature signature, String chainId) {
    return Ed25519Signatures.verify(proposer, domain(chainId), hash().toArray(), signature);
  }

  private static SigningDomain domain(String chainId) {
    return SigningDomain.of(chainId, MessageType.BLOCK);
  }

  public static BlockHeader read(CanonicalReader r) {
    int version = r.u8();
    if (version != FORMAT_VERSION) {
      throw new MalformedEncodingException("unsupported block header version " + version);
    }
    return new BlockHeader(
        r.i64(),
        r.hash(),
        r.i64(),
        r.i64(),
        r.i32(),
        r.hash(),
        r.hash(),
        r.hash(),
        r.hash(),
        r.hash(),
        r.hash(),
        r.publicKey());
  }

  /**
   * @throws MalformedEncodingException when the bytes are not one canonical header
   */
  public static BlockHeader decode(byte[] bytes) {
    CanonicalReader r = new CanonicalReader(bytes);
    BlockHeader h = read(r);
    r.end();
    return h;
  }

  public static Decoded<BlockHeader> tryDecode(byte[] bytes) {
    return Decoded.of(() -> decode(bytes));
  }
}
