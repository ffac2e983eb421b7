package org.learnchain.p2p.blob;

import java.io.Closeable;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.OptionalLong;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;

/**
 * Content-addressed storage of large byte strings (training sets, models): p2p serves chunks from
 * it and fetches into it. Implementations must be safe for concurrent use.
 *
 * <p>Invariant: a blob visible under a hash was committed by a writer whose caller had verified
 * that the bytes hash to it, so readers never see partial or unverified content.
 */
public interface BlobStore {

  boolean contains(Hash hash);

  /** The blob's length in bytes, empty when absent. */
  OptionalLong size(Hash hash);

  /**
   * Copies up to {@code length} bytes of the blob starting at {@code offset} into {@code dst}.
   *
   * @return the number of bytes copied (less than {@code length} only at the end of the blob), or
   *     -1 when the blob is absent
   */
  int read(Hash hash, long offset, byte[] dst, int dstOffset, int length) throws IOException;

  /**
   * Starts writing a blob of {@code size} bytes that will be stored under {@code hash}. Nothing is
   * visible until {@link BlobWriter#commit()}; closing an uncommitted writer discards it.
   */
  BlobWriter create(Hash hash, long size) throws IOException;

  /** Stores {@code content} under its SHA-256 and returns that hash. */
  default Hash put(byte[] content) throws IOException {
    Hash hash = Hashing.sha256(content);
    if (contains(hash)) {
      return hash;
    }
    try (BlobWriter w = create(hash, content.length)) {
      w.write(0, content, 0, content.length);
      w.commit();
    }
    return hash;
  }

  /** Reads the whole blob back and checks it against its hash (a scrub of one entry). */
  default boolean verify(Hash hash) throws IOException {
    OptionalLong size = size(hash);
    if (size.isEmpty()) {
      return false;
    }
    MessageDigest md = Hashing.newSha256();
    byte[] buf = new byte[1 << 20];
    long offset = 0;
    while (offset < size.getAsLong()) {
      int n = read(hash, offset, buf, 0, (int) Math.min(buf.length, size.getAsLong() - offset));
      if (n <= 0) {
        return false;
      }
      md.update(buf, 0, n);
      offset += n;
    }
    return Hashing.finish(md).equals(hash);
  }

  /** A blob being written; positional writes may come in any order. */
  interface BlobWriter extends Closeable {
    /**
     * Stores {@code src[srcOffset, srcOffset + length)} at {@code offset}. The bytes are read
     * during the call only: the caller reuses {@code src} afterwards (p2p hands in the decrypted
     * frame, which goes back to a pool), so an implementation keeps a copy, never the array.
     */
    void write(long offset, byte[] src, int srcOffset, int length) throws IOException;

    /** Makes the blob visible under its hash. The caller has verified the content. */
    void commit() throws IOException;

    /** Discards the blob unless it was committed. */
    @Override
    void close() throws IOException;
  }
}
