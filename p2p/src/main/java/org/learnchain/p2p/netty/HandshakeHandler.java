package org.learnchain.p2p.netty;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PublicKey;
import org.learnchain.p2p.DisconnectReason;
import org.learnchain.p2p.PeerAddress;
import org.learnchain.p2p.core.HandshakeParams;
import org.learnchain.p2p.core.LogText;
import org.learnchain.p2p.core.P2PCore;
import org.learnchain.p2p.core.PeerSession;
import org.learnchain.p2p.tls.MemberTrustManager;
import org.learnchain.p2p.tls.MemberTrustManager.RefusedCertificateException;
import org.learnchain.proto.p2p.HandshakeHello;
import org.learnchain.proto.p2p.HandshakeMessage;

/**
 * Sits behind the {@link SslHandler} of every connection until the session is established, under
 * one deadline. The TLS handshake authenticates both sides ({@link MemberTrustManager} refuses any
 * certificate not endorsed by an admitted member for this chain); then the accepting side sends one
 * {@link HandshakeHello}, because in TLS 1.3 the dialling side finishes its handshake before the
 * acceptor has judged the dialler's certificate. The dialler opens its session only on that hello;
 * the acceptor opens its own at once. The handler then replaces itself with the framer, deframer
 * and session handler (bytes that arrived behind the hello pass on to the deframer). Until then the
 * connection owns nothing but this handler and the TLS engine: no session, no queues, no rate
 * limiters. Any failure closes the connection with a logged reason.
 */
final class HandshakeHandler extends ByteToMessageDecoder {
  /** Largest handshake frame body either side accepts. */
  static final int MAX_MESSAGE_BYTES = 1024;

  private final P2PCore core;
  private final SslHandler ssl;
  private final boolean initiator;
  private final Optional<PeerAddress> dialled;
  private final Optional<PublicKey> expectedKey;
  private final Runnable releaseSlot;
  private ScheduledFuture<?> timeout;
  private PeerAddress remote = new PeerAddress("unknown", 0);
  private PublicKey peer;
  private boolean awaitingHello;
  private boolean finished;
  private boolean slotReleased;

  HandshakeHandler(
      P2PCore core,
      SslHandler ssl,
      boolean initiator,
      Optional<PeerAddress> dialled,
      Optional<PublicKey> expectedKey,
      Runnable releaseSlot) {
    this.core = core;
    this.ssl = ssl;
    this.initiator = initiator;
    this.dialled = dialled;
    this.expectedKey = expectedKey;
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
                        "not authenticated within " + ms + " ms"),
                ms,
                TimeUnit.MILLISECONDS);
    super.channelActive(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof SslHandshakeCompletionEvent done) {
      if (done.isSuccess()) {
        tlsDone(ctx);
      } else {
        failFrom(ctx, done.cause());
      }
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  private void tlsDone(ChannelHandlerContext ctx) {
    if (finished) {
      return;
    }
    try {
      peer = MemberTrustManager.memberKey(ssl.engine().getSession().getPeerCertificates());
    } catch (SSLPeerUnverifiedException | CertificateException e) {
      fail(ctx, DisconnectReason.HANDSHAKE_FAILED, "no peer certificate: " + e.getMessage());
      return;
    }
    if (expectedKey.isPresent() && !expectedKey.get().equals(peer)) {
      fail(
          ctx,
          DisconnectReason.UNEXPECTED_KEY,
          "dialled " + shortKey(expectedKey.get()) + ", got " + shortKey(peer));
      return;
    }
    if (initiator) {
      awaitingHello = true;
    } else {
      writeFrame(ctx, hello());
      complete(ctx);
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (finished || !awaitingHello) {
      // Nothing reaches here before TLS is done; after a failure, bytes are dropped unread.
      in.skipBytes(in.readableBytes());
      return;
    }
    if (in.readableBytes() < 4) {
      return;
    }
    long len = in.getUnsignedInt(in.readerIndex());
    if (len == 0 || len > MAX_MESSAGE_BYTES) {
      fail(
          ctx,
          len == 0 ? DisconnectReason.HANDSHAKE_FAILED : DisconnectReason.FRAME_TOO_LARGE,
          "handshake frame length " + len);
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
      fail(ctx, DisconnectReason.HANDSHAKE_FAILED, "malformed handshake message");
      return;
    }
    if (!message.hasHello()) {
      fail(ctx, DisconnectReason.HANDSHAKE_FAILED, "expected hello");
      return;
    }
    Optional<String> bad = checkHello(message.getHello());
    if (bad.isPresent()) {
      fail(ctx, DisconnectReason.HANDSHAKE_FAILED, bad.get());
      return;
    }
    complete(ctx);
  }

  /**
   * The hello restates what the certificate's endorsement already proved; a difference means a
   * broken peer, never a different chain that got this far.
   */
  private Optional<String> checkHello(HandshakeHello h) {
    HandshakeParams p = core.handshakeParams();
    if (h.getProtocolVersion() != p.protocolVersion()
        || !h.getChainId().equals(p.chainId())
        || h.getGenesisHash().size() != Hash.LENGTH
        || !Hash.wrap(h.getGenesisHash().toByteArray()).equals(p.genesisHash())
        || h.getNodeKey().size() != PublicKey.LENGTH
        || !PublicKey.wrap(h.getNodeKey().toByteArray()).equals(peer)) {
      return Optional.of("hello differs from the peer's certificate");
    }
    return Optional.empty();
  }

  private HandshakeMessage hello() {
    HandshakeParams p = core.handshakeParams();
    return HandshakeMessage.newBuilder()
        .setHello(
            HandshakeHello.newBuilder()
                .setProtocolVersion(p.protocolVersion())
                .setChainId(p.chainId())
                .setGenesisHash(ByteString.copyFrom(p.genesisHash().toArray()))
                .setNodeKey(ByteString.copyFrom(p.nodeKey().publicKey().toArray())))
        .build();
  }

  private void complete(ChannelHandlerContext ctx) {
    finished = true;
    cancelTimeout();
    release();
    ChannelPipeline p = ctx.pipeline();
    p.addBefore(NettyTransport.TAIL, "frame-encoder", new FrameEncoder(core.metrics()));
    NettyConnection connection =
        new NettyConnection(
            ctx.channel(), peer, initiator, remote, core.config().maxQueuedBytesPerPeer());
    Optional<PeerSession> session = core.open(connection, dialled);
    if (session.isPresent()) {
      p.addBefore(
          NettyTransport.TAIL,
          "frame-decoder",
          new FrameDecoder(core.config().maxFrameBytes(), core, session.get()));
      p.addBefore(NettyTransport.TAIL, "session", new SessionHandler(core, session.get()));
    }
    // Removing a ByteToMessageDecoder hands its unread bytes to the next handler: the deframer.
    p.remove(this);
  }

  /** Maps a TLS failure to its reason: a refused certificate keeps the refusal's reason. */
  private void failFrom(ChannelHandlerContext ctx, Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof RefusedCertificateException r) {
        fail(ctx, r.reason(), r.getMessage());
        return;
      }
      if (t instanceof NotSslRecordException) {
        fail(ctx, DisconnectReason.HANDSHAKE_FAILED, "not a TLS record");
        return;
      }
    }
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    fail(
        ctx,
        DisconnectReason.HANDSHAKE_FAILED,
        "TLS: " + LogText.printable(String.valueOf(root.getMessage())));
  }

  private void fail(ChannelHandlerContext ctx, DisconnectReason reason, String detail) {
    if (finished) {
      return;
    }
    finished = true;
    cancelTimeout();
    release();
    core.handshakeFailed(remote, dialled, reason, detail);
    ctx.close();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // The TLS engine's errors also arrive as a failed handshake event, which names the reason.
    failFrom(ctx, cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    fail(
        ctx,
        DisconnectReason.HANDSHAKE_FAILED,
        awaitingHello
            ? "peer closed before accepting our certificate"
            : "connection closed during handshake");
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
    ByteBuf buf = ctx.alloc().buffer(4 + body.length);
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

  private static String shortKey(PublicKey key) {
    return key.toHex().substring(0, 8);
  }
}
