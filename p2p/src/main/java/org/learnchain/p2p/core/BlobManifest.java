package org.learnchain.p2p.core;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.p2p.blob.BlobStore;

/**
 * How a blob is cut into chunks and what each chunk hashes to: with it a receiver refuses a
 * corrupted chunk as soon as it arrives instead of after the whole blob. The manifest itself comes
 * from a peer and is trusted only provisionally: the blob is used only once all of it hashes to
 * {@code contentHash}, and a manifest that leads to a mismatch marks its sender as bad.
 */
public record BlobManifest(Hash contentHash, long size, int chunkSize, List<Hash> chunkHashes) {
  public BlobManifest {
    Objects.requireNonNull(contentHash, "contentHash");
    chunkHashes = List.copyOf(chunkHashes);
    if (chunkSize <= 0 || size < 0 || chunkHashes.size() != chunkCount(size, chunkSize)) {
      throw new IllegalArgumentException("inconsistent manifest");
    }
  }

  static int chunkCount(long size, int chunkSize) {
    return (int) ((size + chunkSize - 1) / chunkSize);
  }

  public int chunkCount() {
    return chunkHashes.size();
  }

  public long offset(int index) {
    return (long) index * chunkSize;
  }

  public int length(int index) {
    return (int) Math.min(chunkSize, size - offset(index));
  }

  /**
   * Hashes a stored blob chunk by chunk; empty when the blob is absent or shorter than it says. The
   * whole blob is not re-hashed here: receivers check it anyway, a store that rots is caught by the
   * first fetch (and {@link BlobStore#verify} scrubs), and a second pass would double the cost of
   * serving a blob for the first time.
   */
  static Optional<BlobManifest> compute(BlobStore store, Hash hash, int chunkSize)
      throws IOException {
    var size = store.size(hash);
    if (size.isEmpty()) {
      return Optional.empty();
    }
    long total = size.getAsLong();
    int count = chunkCount(total, chunkSize);
    List<Hash> hashes = new ArrayList<>(count);
    byte[] buf = new byte[(int) Math.min(chunkSize, Math.max(total, 1))];
    for (int i = 0; i < count; i++) {
      long off = (long) i * chunkSize;
      int len = (int) Math.min(chunkSize, total - off);
      int n = store.read(hash, off, buf, 0, len);
      if (n != len) {
        return Optional.empty();
      }
      hashes.add(Hashing.sha256(buf, 0, len));
    }
    return Optional.of(new BlobManifest(hash, total, chunkSize, hashes));
  }

  org.learnchain.proto.p2p.BlobManifest toProto() {
    var b =
        org.learnchain.proto.p2p.BlobManifest.newBuilder()
            .setContentHash(ByteString.copyFrom(contentHash.toArray()))
            .setSize(size)
            .setChunkSize(chunkSize);
    for (Hash h : chunkHashes) {
      b.addChunkHashes(ByteString.copyFrom(h.toArray()));
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
    if (p.getChunkHashesCount() != count) {
      return new Parsed.Bad(
          "manifest lists " + p.getChunkHashesCount() + " chunk hashes, expected " + count, true);
    }
    List<Hash> hashes = new ArrayList<>(count);
    for (ByteString h : p.getChunkHashesList()) {
      if (h.size() != Hash.LENGTH) {
        return new Parsed.Bad("chunk hash of " + h.size() + " bytes", true);
      }
      hashes.add(Hash.wrap(h.toByteArray()));
    }
    return new Parsed.Ok(new BlobManifest(expected, size, chunkSize, hashes));
  }
}
