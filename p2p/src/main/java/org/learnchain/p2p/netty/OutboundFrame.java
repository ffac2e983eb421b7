package org.learnchain.p2p.netty;

import java.util.Objects;

/**
 * An encoded Envelope, {@code bytes[offset, offset + length)}, on its way to the frame encoder,
 * which encrypts it. The sender hands the array over and does not touch it again.
 */
record OutboundFrame(byte[] bytes, int offset, int length) {
  OutboundFrame {
    Objects.checkFromIndexSize(offset, length, bytes.length);
  }
}
