package org.learnchain.p2p.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import org.learnchain.p2p.core.P2PMetrics;
import org.learnchain.p2p.handshake.FrameSealer;

/**
 * Encrypts outbound envelopes into frames. Runs on the channel's event loop, so frames get their
 * nonces in exactly the order they reach the wire. Frames are sealed into a pooled direct buffer,
 * the one the socket writes from (each record through the sealer's record-sized array): no
 * frame-sized array and no frame-sized heap-to-direct copy per frame.
 */
final class SecureFrameEncoder extends ChannelOutboundHandlerAdapter {
  private final FrameSealer sealer;
  private final P2PMetrics metrics;

  SecureFrameEncoder(FrameSealer sealer, P2PMetrics metrics) {
    this.sealer = sealer;
    this.metrics = metrics;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof OutboundFrame f) {
      int frameLength = FrameSealer.HEADER_BYTES + (int) FrameSealer.ciphertextLength(f.length());
      ByteBuf frame = ctx.alloc().directBuffer(frameLength, frameLength);
      try {
        sealer.seal(f.bytes(), f.offset(), f.length(), frame.nioBuffer(0, frameLength));
        frame.writerIndex(frameLength);
      } catch (RuntimeException e) {
        frame.release();
        throw e;
      }
      // Sealed: the plaintext array is no longer read, and may carry the next chunk.
      f.recycle().accept(f.bytes());
      metrics.bytesOut(frameLength);
      ctx.write(frame, promise);
    } else {
      ctx.write(msg, promise);
    }
  }
}
