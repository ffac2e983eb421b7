package org.learnchain.p2p.netty;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * An encoded Envelope, {@code bytes[offset, offset + length)}, on its way to the frame encoder,
 * which copies it into the buffer TLS encrypts from and then hands {@code bytes} to {@code
 * recycle}. The sender hands the array over and does not touch it again.
 */
record OutboundFrame(byte[] bytes, int offset, int length, Consumer<byte[]> recycle) {
  OutboundFrame {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    Objects.requireNonNull(recycle, "recycle");
  }
}
