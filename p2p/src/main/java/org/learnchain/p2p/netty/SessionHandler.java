package org.learnchain.p2p.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.learnchain.p2p.DisconnectReason;
import org.learnchain.p2p.core.P2PCore;
import org.learnchain.p2p.core.PeerSession;

/** Hands decoded envelopes of one authenticated session to the core. */
final class SessionHandler extends ChannelInboundHandlerAdapter {
  private final P2PCore core;
  private final PeerSession session;

  SessionHandler(P2PCore core, PeerSession session) {
    this.core = core;
    this.session = session;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof InboundEnvelope e) {
      core.onEnvelope(session, e.envelope(), e.lease());
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    core.closed(session, DisconnectReason.CONNECTION_CLOSED);
    ctx.fireChannelInactive();
  }
}
