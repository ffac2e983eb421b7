package org.learnchain.p2p.blob;

import java.io.IOException;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.learnchain.crypto.Hash;

/** Blobs held in heap arrays; for tests, simulations and benchmarks. Blobs are limited to 2 GiB. */
public final class InMemoryBlobStore implements BlobStore {
  private final ConcurrentHashMap<Hash, byte[]> blobs = new ConcurrentHashMap<>();

  @Override
  public boolean contains(Hash hash) {
    return blobs.containsKey(hash);
  }

  @Override
  public OptionalLong size(Hash hash) {
    byte[] b = blobs.get(hash);
    return b == null ? OptionalLong.empty() : OptionalLong.of(b.length);
  }

  @Override
  public int read(Hash hash, long offset, byte[] dst, int dstOffset, int length) {
    byte[] b = blobs.get(hash);
    if (b == null) {
      return -1;
    }
    Objects.checkFromIndexSize(dstOffset, length, dst.length);
    if (offset < 0 || offset > b.length) {
      throw new IndexOutOfBoundsException("offset " + offset + " outside blob of " + b.length);
    }
    int n = (int) Math.min(length, b.length - offset);
    System.arraycopy(b, (int) offset, dst, dstOffset, n);
    return n;
  }

  @Override
  public BlobWriter create(Hash hash, long size) throws IOException {
    if (size < 0 || size > Integer.MAX_VALUE - 16) {
      throw new IOException("in-memory blobs are limited to 2 GiB, asked for " + size);
    }
    byte[] buf = new byte[(int) size];
    return new BlobWriter() {
      private boolean done;

      @Override
      public void write(long offset, byte[] src, int srcOffset, int length) throws IOException {
        if (done) {
          throw new IOException("blob writer already closed");
        }
        if (offset < 0 || offset + length > buf.length) {
          throw new IOException("write [" + offset + ", +" + length + ") outside " + buf.length);
        }
        System.arraycopy(src, srcOffset, buf, (int) offset, length);
      }

      @Override
      public void commit() throws IOException {
        if (done) {
          throw new IOException("blob writer already closed");
        }
        done = true;
        blobs.putIfAbsent(hash, buf);
      }

      @Override
      public void close() {
        done = true;
      }
    };
  }

  /** Removes a blob (tests use it to simulate loss). */
  public void remove(Hash hash) {
    blobs.remove(hash);
  }
}
