package org.learnchain.p2p.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.learnchain.p2p.DisconnectReason;
import org.learnchain.p2p.ReputationAdjustment;
import org.learnchain.p2p.core.LogText;
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

  /**
   * A TLS record that does not authenticate (or any other TLS failure after the handshake but an
   * alert from the peer) is the peer's fault as much as a forged frame was: it drops and penalises
   * the peer.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof javax.net.ssl.SSLException
          && String.valueOf(t.getMessage()).contains("alert")) {
        // The peer's TLS stack ended the connection with an alert: no forgery, just an end.
        ctx.close();
        return;
      }
      if (t instanceof javax.net.ssl.SSLException) {
        core.violation(
            session,
            ReputationAdjustment.DECRYPTION_FAILED,
            DisconnectReason.DECRYPTION_FAILED,
            "TLS record refused: " + LogText.printable(String.valueOf(t.getMessage())));
        ctx.close();
        return;
      }
    }
    ctx.fireExceptionCaught(cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    core.closed(session, DisconnectReason.CONNECTION_CLOSED);
    ctx.fireChannelInactive();
  }
}
