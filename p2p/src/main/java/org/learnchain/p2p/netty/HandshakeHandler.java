package org.learnchain.p2p.netty;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.learnchain.p2p.DisconnectReason;
import org.learnchain.p2p.PeerAddress;
import org.learnchain.p2p.core.P2PCore;
import org.learnchain.p2p.core.PeerSession;
import org.learnchain.p2p.handshake.FrameOpener;
import org.learnchain.p2p.handshake.FrameSealer;
import org.learnchain.p2p.handshake.Handshaker;
import org.learnchain.p2p.handshake.Handshaker.Step;
import org.learnchain.proto.p2p.HandshakeMessage;

/**
 * The first handler of every connection: runs the {@link Handshaker} over small plaintext frames
 * under a deadline, and on success replaces itself with the encrypted framer, deframer and session
 * handler (bytes that arrived behind the last handshake frame pass on to the deframer). Until then
 * the connection owns nothing but this handler: no session, no queues, no rate limiters. Any
 * failure closes the connection with a logged reason.
 */
final class HandshakeHandler extends ByteToMessageDecoder {
  private final P2PCore core;
  private final Handshaker handshaker;
  private final Optional<PeerAddress> dialled;
  private final Runnable releaseSlot;
  private ScheduledFuture<?> timeout;
  private PeerAddress remote = new PeerAddress("unknown", 0);
  private boolean finished;
  private boolean slotReleased;

  HandshakeHandler(
      P2PCore core, Handshaker handshaker, Optional<PeerAddress> dialled, Runnable releaseSlot) {
    this.core = core;
    this.handshaker = handshaker;
    this.dialled = dialled;
    this.releaseSlot = releaseSlot;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    remote = peerAddress(ctx.channel().remoteAddress());
    long ms = core.config().handshakeTimeout().toMillis();
    timeout =
        ctx.executor()
            .schedule(
                () ->
                    fail(
                        ctx,
                        DisconnectReason.HANDSHAKE_TIMEOUT,
                        "not authenticated within " + ms + " ms",
                        Optional.empty()),
                ms,
                TimeUnit.MILLISECONDS);
    if (handshaker.isInitiator()) {
      writeFrame(ctx, handshaker.start());
    }
    super.channelActive(ctx);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (finished) {
      return;
    }
    if (in.readableBytes() < 4) {
      return;
    }
    long len = in.getUnsignedInt(in.readerIndex());
    if (len == 0 || len > Handshaker.MAX_MESSAGE_BYTES) {
      fail(
          ctx,
          len == 0 ? DisconnectReason.HANDSHAKE_FAILED : DisconnectReason.FRAME_TOO_LARGE,
          "handshake frame length " + len,
          Optional.empty());
      return;
    }
    if (in.readableBytes() < 4 + len) {
      return;
    }
    in.skipBytes(4);
    byte[] body = new byte[(int) len];
    in.readBytes(body);
    HandshakeMessage message;
    try {
      message = HandshakeMessage.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      fail(ctx, DisconnectReason.HANDSHAKE_FAILED, "malformed handshake message", Optional.empty());
      return;
    }
    Step step = handshaker.onMessage(message);
    if (step instanceof Step.Send send) {
      writeFrame(ctx, send.message());
    } else if (step instanceof Step.Fail f) {
      fail(ctx, f.reason(), f.detail(), f.reject());
    } else if (step instanceof Step.Done done) {
      complete(ctx, done);
    }
  }

  private void complete(ChannelHandlerContext ctx, Step.Done done) {
    finished = true;
    cancelTimeout();
    release();
    done.last().ifPresent(m -> writeFrame(ctx, m));
    FrameSealer sealer = done.keys().sealer();
    FrameOpener opener = done.keys().opener();
    done.keys().destroy();
    ChannelPipeline p = ctx.pipeline();
    p.addBefore(
        NettyTransport.TAIL, "frame-encoder", new SecureFrameEncoder(sealer, core.metrics()));
    NettyConnection connection =
        new NettyConnection(
            ctx.channel(),
            done.peer(),
            handshaker.isInitiator(),
            remote,
            core.config().maxQueuedBytesPerPeer());
    Optional<PeerSession> session = core.open(connection, dialled);
    if (session.isPresent()) {
      p.addBefore(
          NettyTransport.TAIL,
          "frame-decoder",
          new SecureFrameDecoder(opener, core.config().maxFrameBytes(), core, session.get()));
      p.addBefore(NettyTransport.TAIL, "session", new SessionHandler(core, session.get()));
    }
    // Removing a ByteToMessageDecoder hands its unread bytes to the next handler: the deframer.
    p.remove(this);
  }

  private void fail(
      ChannelHandlerContext ctx,
      DisconnectReason reason,
      String detail,
      Optional<HandshakeMessage> reject) {
    if (finished) {
      return;
    }
    finished = true;
    cancelTimeout();
    release();
    core.handshakeFailed(remote, dialled, reason, detail);
    if (reject.isPresent() && ctx.channel().isActive()) {
      writeFrame(ctx, reject.get()).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    fail(
        ctx,
        DisconnectReason.HANDSHAKE_FAILED,
        "connection closed during handshake",
        Optional.empty());
    super.channelInactive(ctx);
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    cancelTimeout();
    release();
  }

  private void cancelTimeout() {
    if (timeout != null) {
      timeout.cancel(false);
    }
  }

  private void release() {
    if (!slotReleased) {
      slotReleased = true;
      releaseSlot.run();
    }
  }

  private static ChannelFuture writeFrame(ChannelHandlerContext ctx, HandshakeMessage m) {
    byte[] body = m.toByteArray();
    ByteBuf buf = Unpooled.buffer(4 + body.length);
    buf.writeInt(body.length);
    buf.writeBytes(body);
    return ctx.writeAndFlush(buf);
  }

  static PeerAddress peerAddress(SocketAddress a) {
    if (a instanceof InetSocketAddress i) {
      return new PeerAddress(i.getHostString(), i.getPort());
    }
    return new PeerAddress(String.valueOf(a), 0);
  }
}
