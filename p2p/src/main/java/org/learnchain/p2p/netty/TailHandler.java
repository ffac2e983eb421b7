package org.learnchain.p2p.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last inbound handler of every channel: whatever reaches it unhandled is released, and an
 * exception ends the connection with a logged reason instead of Netty's "unhandled exception"
 * warning.
 */
final class TailHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(TailHandler.class);

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) {
      // Resets and broken pipes are the network's normal weather.
      LOG.debug(
          "Connection error remote={} reason=io_error detail={}",
          ctx.channel().remoteAddress(),
          cause.getMessage());
    } else {
      LOG.warn(
          "Closing connection after an unexpected error remote={} reason=internal_error",
          ctx.channel().remoteAddress(),
          cause);
    }
    ctx.close();
  }
}
