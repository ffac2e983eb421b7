package org.learnchain.p2p.core;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.p2p.blob.BlobStore;

/**
 * How a blob is cut into chunks and what the blob hashes to at the end of each chunk: {@code
 * prefixHashes[i]} is the SHA-256 of the blob's bytes from the first to the last byte of chunk
 * {@code i}, so the last one is the content hash. A receiver that hashes the blob in order checks
 * each chunk as it is added (the digest of everything so far, finished on a copy, must be the
 * chunk's prefix hash) and gets the content hash from the same single pass; a corrupted chunk is
 * still refused as soon as its turn comes, and no byte is hashed twice.
 *
 * <p>The manifest comes from a peer and is trusted only provisionally; since its last prefix hash
 * must be the content hash, a forged manifest cannot be completed with forged bytes, and every
 * source that serves chunks presented the same manifest, so a chunk that fails its prefix hash is
 * its sender's fault (its chunk or the manifest it vouched for is false).
 */
public record BlobManifest(Hash contentHash, long size, int chunkSize, List<Hash> prefixHashes) {
  public BlobManifest {
    Objects.requireNonNull(contentHash, "contentHash");
    prefixHashes = List.copyOf(prefixHashes);
    if (chunkSize <= 0 || size < 0 || prefixHashes.size() != chunkCount(size, chunkSize)) {
      throw new IllegalArgumentException("inconsistent manifest");
    }
  }

  static int chunkCount(long size, int chunkSize) {
    return (int) ((size + chunkSize - 1) / chunkSize);
  }

  public int chunkCount() {
    return prefixHashes.size();
  }

  public long offset(int index) {
    return (long) index * chunkSize;
  }

  public int length(int index) {
    return (int) Math.min(chunkSize, size - offset(index));
  }

  /**
   * Hashes a stored blob in one pass, noting the digest at the end of every chunk; empty when the
   * blob is absent, shorter than it says, or does not hash to {@code hash} (a store that rotted
   * serves nothing rather than a manifest no honest receiver can complete).
   */
  static Optional<BlobManifest> compute(BlobStore store, Hash hash, int chunkSize)
      throws IOException {
    var size = store.size(hash);
    if (size.isEmpty()) {
      return Optional.empty();
    }
    long total = size.getAsLong();
    int count = chunkCount(total, chunkSize);
    List<Hash> prefixes = new ArrayList<>(count);
    MessageDigest md = Hashing.newSha256();
    byte[] buf = new byte[(int) Math.min(chunkSize, Math.max(total, 1))];
    for (int i = 0; i < count; i++) {
      long off = (long) i * chunkSize;
      int len = (int) Math.min(chunkSize, total - off);
      int n = store.read(hash, off, buf, 0, len);
      if (n != len) {
        return Optional.empty();
      }
      md.update(buf, 0, len);
      prefixes.add(finishCopy(md));
    }
    if (!Hashing.finish(md).equals(hash)) {
      return Optional.empty();
    }
    return Optional.of(new BlobManifest(hash, total, chunkSize, prefixes));
  }

  /** What {@code md} hashes to so far, leaving {@code md} as it was (it goes on hashing). */
  static Hash finishCopy(MessageDigest md) {
    try {
      return Hashing.finish((MessageDigest) md.clone());
    } catch (CloneNotSupportedException e) {
      // The JDK's SHA-256 is cloneable; a provider whose digest is not cannot check chunks.
      throw new IllegalStateException("SHA-256 digest cannot be copied", e);
    }
  }

  org.learnchain.proto.p2p.BlobManifest toProto() {
    var b =
        org.learnchain.proto.p2p.BlobManifest.newBuilder()
            .setContentHash(ByteString.copyFrom(contentHash.toArray()))
            .setSize(size)
            .setChunkSize(chunkSize);
    for (Hash h : prefixHashes) {
      b.addPrefixHashes(ByteString.copyFrom(h.toArray()));
    }
    return b.build();
  }

  /** A manifest parsed from a peer, or why it is unacceptable. */
  sealed interface Parsed {
    record Ok(BlobManifest manifest) implements Parsed {}

    /**
     * @param peerAtFault false when the manifest is well formed but describes a blob larger than
     *     this fetch accepts (an honest peer's answer)
     */
    record Bad(String reason, boolean peerAtFault) implements Parsed {}
  }

  /** Checks a peer's manifest for {@code expected} against our limits. */
  static Parsed fromProto(
      org.learnchain.proto.p2p.BlobManifest p, Hash expected, long maxBytes, int maxChunkBytes) {
    if (p.getContentHash().size() != Hash.LENGTH
        || !Hash.wrap(p.getContentHash().toByteArray()).equals(expected)) {
      return new Parsed.Bad("manifest for another blob", true);
    }
    long size = p.getSize();
    if (size < 0 || size > maxBytes) {
      return new Parsed.Bad(
          "blob of " + Long.toUnsignedString(size) + " bytes exceeds " + maxBytes, false);
    }
    int chunkSize = p.getChunkSize();
    if (chunkSize <= 0 || chunkSize > maxChunkBytes) {
      return new Parsed.Bad(
          "chunk size " + Integer.toUnsignedString(chunkSize) + " out of range", true);
    }
    int count = chunkCount(size, chunkSize);
    if (p.getPrefixHashesCount() == 0 && p.getChunkHashesCount() > 0) {
      return new Parsed.Bad("manifest in the older chunk-hash format", false);
    }
    if (p.getPrefixHashesCount() != count) {
      return new Parsed.Bad(
          "manifest lists " + p.getPrefixHashesCount() + " prefix hashes, expected " + count, true);
    }
    List<Hash> hashes = new ArrayList<>(count);
    for (ByteString h : p.getPrefixHashesList()) {
      if (h.size() != Hash.LENGTH) {
        return new Parsed.Bad("prefix hash of " + h.size() + " bytes", true);
      }
      hashes.add(Hash.wrap(h.toByteArray()));
    }
    if (count > 0 && !hashes.get(count - 1).equals(expected)) {
      return new Parsed.Bad("last prefix hash is not the content hash", true);
    }
    return new Parsed.Ok(new BlobManifest(expected, size, chunkSize, hashes));
  }
}
