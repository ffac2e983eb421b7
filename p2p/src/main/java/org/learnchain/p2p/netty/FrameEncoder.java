package org.learnchain.p2p.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import org.learnchain.p2p.core.P2PMetrics;

/**
 * Frames outbound envelopes (4-byte length, body) into a pooled direct buffer, which the TLS engine
 * encrypts from without another copy; the envelope's array is recycled at once.
 */
final class FrameEncoder extends ChannelOutboundHandlerAdapter {
  static final int HEADER_BYTES = 4;

  private final P2PMetrics metrics;

  FrameEncoder(P2PMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof OutboundFrame f) {
      int frameLength = HEADER_BYTES + f.length();
      ByteBuf frame = ctx.alloc().directBuffer(frameLength, frameLength);
      frame.writeInt(f.length());
      frame.writeBytes(f.bytes(), f.offset(), f.length());
      // Copied: the array is no longer read, and may carry the next chunk.
      f.recycle().accept(f.bytes());
      metrics.bytesOut(frameLength);
      ctx.write(frame, promise);
    } else {
      ctx.write(msg, promise);
    }
  }
}
