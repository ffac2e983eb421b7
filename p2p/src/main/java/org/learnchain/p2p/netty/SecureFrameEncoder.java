package org.learnchain.p2p.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import org.learnchain.p2p.core.P2PMetrics;
import org.learnchain.p2p.handshake.FrameSealer;

/**
 * Encrypts outbound envelopes into frames. Runs on the channel's event loop, so frames get their
 * nonces in exactly the order they reach the wire.
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
      byte[] frame = sealer.seal(f.plaintext());
      metrics.bytesOut(frame.length);
      ctx.write(Unpooled.wrappedBuffer(frame), promise);
    } else {
      ctx.write(msg, promise);
    }
  }
}
