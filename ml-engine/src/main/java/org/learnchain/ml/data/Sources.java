package org.learnchain.ml.data;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** Opening dataset streams: gzip detected by its magic number, size capped while reading. */
final class Sources {
  private Sources() {}

  /** Raised when a stream yields more bytes than allowed; a decompression bomb ends here. */
  static final class TooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    TooLargeException(long limit) {
      super("more than " + limit + " bytes (after decompression)");
    }
  }

  /**
   * Wraps {@code raw}: if it starts with the gzip magic number (1f 8b) it is decompressed; either
   * way at most {@code maxBytes} bytes are read from the result before {@link TooLargeException}.
   */
  static InputStream open(InputStream raw, long maxBytes) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    InputStream content = (b0 == 0x1f && b1 == 0x8b) ? new GZIPInputStream(in, 1 << 16) : in;
    return new Limited(content, maxBytes);
  }

  /** Counts bytes read and fails past the limit, whatever the caller's buffer sizes. */
  private static final class Limited extends FilterInputStream {
    private final long limit;
    private long count;

    Limited(InputStream in, long limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0 && ++count > limit) {
        throw new TooLargeException(limit);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
        if (count > limit) {
          throw new TooLargeException(limit);
        }
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      // Skipping still consumes the decompressed stream; count it like a read.
      long skipped = super.skip(n);
      count += skipped;
      if (count > limit) {
        throw new TooLargeException(limit);
      }
      return skipped;
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }

  /** A float array that grows by doubling, for readers that do not know the row count. */
  static final class FloatBuilder {
    private float[] data = new float[1024];
    private int size;

    void add(float v) {
      if (size == data.length) {
        data = java.util.Arrays.copyOf(data, data.length * 2);
      }
      data[size++] = v;
    }

    int size() {
      return size;
    }

    float[] toArray() {
      return java.util.Arrays.copyOf(data, size);
    }
  }
}
