package org.learnchain.p2p.core;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A read-only view of {@code array[offset, offset + length)}. Blob chunk bytes travel from the
 * decrypted frame to the chunk digest, the whole-blob digest and the store as a slice of the
 * frame's plaintext array, never copied. Holders must not write to the array.
 */
record ByteSlice(byte[] array, int offset, int length) {
  ByteSlice {
    Objects.checkFromIndexSize(offset, length, array.length);
  }

  /**
   * The bytes of {@code s} without a copy when it is a flat view of an array (what parsing with
   * aliasing yields), otherwise a copy.
   */
  static ByteSlice of(ByteString s) {
    Capture c = new Capture();
    try {
      UnsafeByteOperations.unsafeWriteTo(s, c);
    } catch (IOException e) {
      throw new IllegalStateException("capturing a ByteString cannot fail", e);
    }
    if (c.slices == 1 && c.slice.length == s.size()) {
      return c.slice;
    }
    return new ByteSlice(s.toByteArray(), 0, s.size());
  }

  /** Records the one array range a flat ByteString hands over; anything else means "copy". */
  private static final class Capture extends ByteOutput {
    ByteSlice slice;
    int slices;

    @Override
    public void writeLazy(byte[] value, int offset, int length) {
      slices++;
      slice = new ByteSlice(value, offset, length);
    }

    @Override
    public void write(byte value) {
      slices += 2;
    }

    @Override
    public void write(byte[] value, int offset, int length) {
      slices += 2;
    }

    @Override
    public void write(ByteBuffer value) {
      slices += 2;
    }

    @Override
    public void writeLazy(ByteBuffer value) {
      slices += 2;
    }
  }
}
