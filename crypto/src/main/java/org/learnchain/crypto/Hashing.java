package org.learnchain.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 through the JDK, whose implementation uses the CPU's SHA extensions where present
 * (several times faster than Bouncy Castle's, see docs/platform-notes.md).
 */
public final class Hashing {
  private Hashing() {}

  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  public static Hash sha256(byte[] data) {
    return Hash.own(newSha256().digest(data));
  }

  public static Hash sha256(byte[] data, int offset, int length) {
    MessageDigest md = newSha256();
    md.update(data, offset, length);
    return Hash.own(md.digest());
  }

  /** Hash of the concatenation of the parts, without building the concatenation. */
  public static Hash sha256(byte[]... parts) {
    MessageDigest md = newSha256();
    for (byte[] part : parts) {
      md.update(part);
    }
    return Hash.own(md.digest());
  }

  public static Hash sha256(ByteBuffer data) {
    MessageDigest md = newSha256();
    md.update(data);
    return Hash.own(md.digest());
  }

  /** Hashes a stream to its end in 64 KiB reads; the stream is not closed. */
  public static Hash sha256(InputStream in) throws IOException {
    MessageDigest md = newSha256();
    byte[] buf = new byte[1 << 16];
    int n;
    while ((n = in.read(buf)) > 0) {
      md.update(buf, 0, n);
    }
    return Hash.own(md.digest());
  }

  /** Wraps a finished digest's output. */
  public static Hash finish(MessageDigest md) {
    return Hash.own(md.digest());
  }
}
