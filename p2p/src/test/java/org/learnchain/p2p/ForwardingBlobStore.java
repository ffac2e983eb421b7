package org.learnchain.p2p;

import java.io.IOException;
import java.util.OptionalLong;
import org.learnchain.crypto.Hash;
import org.learnchain.p2p.blob.BlobStore;

/** A blob store that delegates everything; tests override single methods. */
public class ForwardingBlobStore implements BlobStore {
  private final BlobStore inner;

  public ForwardingBlobStore(BlobStore inner) {
    this.inner = inner;
  }

  @Override
  public boolean contains(Hash hash) {
    return inner.contains(hash);
  }

  @Override
  public OptionalLong size(Hash hash) {
    return inner.size(hash);
  }

  @Override
  public int read(Hash hash, long offset, byte[] dst, int dstOffset, int length)
      throws IOException {
    return inner.read(hash, offset, dst, dstOffset, length);
  }

  @Override
  public BlobWriter create(Hash hash, long size) throws IOException {
    return inner.create(hash, size);
  }
}
