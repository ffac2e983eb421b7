package org.learnchain.p2p.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.learnchain.crypto.PublicKey;
import org.learnchain.p2p.DisconnectReason;
import org.learnchain.p2p.P2PConfig;
import org.learnchain.p2p.PeerAddress;
import org.learnchain.p2p.core.HandshakeParams;
import org.learnchain.p2p.core.P2PCore;
import org.learnchain.p2p.core.Transport;
import org.learnchain.p2p.tls.MemberTrustManager;
import org.learnchain.p2p.tls.TlsContexts;
import org.learnchain.p2p.tls.TlsIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS 1.3 over TCP through Netty 4.2 (NIO). One small event-loop group serves the listener and
 * every connection. Each connection starts with only an {@link SslHandler}, a {@link
 * HandshakeHandler} and the {@link TailHandler}; unauthenticated connections are capped, so a flood
 * of sockets costs a bounded amount of memory. BoringSSL runs TLS when its natives load, the JDK
 * otherwise; the system property {@value #PROVIDER_PROPERTY} ({@code openssl} or {@code jdk})
 * forces one (docs/protocol.md, section 8).
 */
final class NettyTransport implements Transport {
  static final String TAIL = "tail";
  static final String PROVIDER_PROPERTY = "learnchain.p2p.tls";
  private static final Logger LOG = LoggerFactory.getLogger(NettyTransport.class);

  private final P2PConfig config;
  private final SecureRandom random;
  private final AtomicInteger pendingHandshakes = new AtomicInteger();
  private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
  private final WriteBufferWaterMark waterMark;
  private volatile P2PCore core;
  private volatile EventLoopGroup group;
  private volatile Channel server;
  private volatile TlsContexts tls;

  NettyTransport(P2PConfig config, SecureRandom random) {
    this.config = config;
    this.random = random;
    long high = Math.min(Integer.MAX_VALUE, config.maxQueuedBytesPerPeer() / 2);
    this.waterMark = new WriteBufferWaterMark((int) (high / 2), (int) high);
  }

  @Override
  public PeerAddress start(P2PCore core) throws IOException {
    this.core = core;
    HandshakeParams params = core.handshakeParams();
    TlsIdentity identity =
        TlsIdentity.create(
            params.nodeKey(),
            params.chainId(),
            params.genesisHash(),
            params.protocolVersion(),
            random);
    MemberTrustManager trust =
        new MemberTrustManager(
            params.chainId(), params.genesisHash(), params.protocolVersion(), core::admit);
    tls = TlsContexts.create(identity, trust, provider());
    LOG.info("p2p TLS 1.3 node={} provider={}", core.shortId(), tls.provider());
    group =
        new MultiThreadIoEventLoopGroup(
            config.ioThreads(),
            new DefaultThreadFactory("p2p-io-" + core.shortId(), true),
            NioIoHandler.newFactory());
    ServerBootstrap sb =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .option(ChannelOption.SO_BACKLOG, 256)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    initInbound(ch);
                  }
                });
    ChannelFuture bind = sb.bind(config.listenHost(), config.listenPort()).awaitUninterruptibly();
    if (!bind.isSuccess()) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
      throw new IOException(String.valueOf(bind.cause().getMessage()), bind.cause());
    }
    server = bind.channel();
    int port = ((InetSocketAddress) server.localAddress()).getPort();
    return new PeerAddress(config.listenHost(), port);
  }

  private void initInbound(SocketChannel ch) {
    if (pendingHandshakes.incrementAndGet() > config.maxPendingHandshakes()) {
      pendingHandshakes.decrementAndGet();
      core.handshakeFailed(
          HandshakeHandler.peerAddress(ch.remoteAddress()),
          Optional.empty(),
          DisconnectReason.TOO_MANY_HANDSHAKES,
          "more than " + config.maxPendingHandshakes() + " connections handshaking");
      ch.close();
      return;
    }
    track(ch);
    SslHandler ssl = newSslHandler(ch, false);
    ch.pipeline()
        .addLast("tls", ssl)
        .addLast(
            "handshake",
            new HandshakeHandler(
                core,
                ssl,
                false,
                Optional.empty(),
                Optional.empty(),
                pendingHandshakes::decrementAndGet))
        .addLast(TAIL, new TailHandler());
  }

  @Override
  public void dial(PeerAddress address, Optional<PublicKey> expectedKey) {
    EventLoopGroup g = group;
    if (g == null || g.isShuttingDown()) {
      core.dialFailed(address, "transport stopped");
      return;
    }
    Bootstrap b =
        new Bootstrap()
            .group(g)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, config.handshakeTimeout().toMillis()))
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    track(ch);
                    SslHandler ssl = newSslHandler(ch, true);
                    ch.pipeline()
                        .addLast("tls", ssl)
                        .addLast(
                            "handshake",
                            new HandshakeHandler(
                                core, ssl, true, Optional.of(address), expectedKey, () -> {}))
                        .addLast(TAIL, new TailHandler());
                  }
                });
    try {
      b.connect(address.host(), address.port())
          .addListener(
              (ChannelFuture f) -> {
                if (!f.isSuccess()) {
                  core.dialFailed(address, String.valueOf(f.cause()));
                }
              });
    } catch (RejectedExecutionException e) {
      core.dialFailed(address, "transport stopped");
    }
  }

  private SslHandler newSslHandler(SocketChannel ch, boolean client) {
    SslHandler ssl =
        client ? tls.client().newHandler(ch.alloc()) : tls.server().newHandler(ch.alloc());
    // The HandshakeHandler's deadline covers TLS and the hello, with its own reason.
    ssl.setHandshakeTimeoutMillis(0);
    return ssl;
  }

  static SslProvider provider() {
    String asked = System.getProperty(PROVIDER_PROPERTY, "auto").toLowerCase(Locale.ROOT);
    switch (asked) {
      case "jdk":
        return SslProvider.JDK;
      case "openssl":
        return SslProvider.OPENSSL;
      case "auto":
        return TlsContexts.defaultProvider();
      default:
        throw new IllegalArgumentException(
            PROVIDER_PROPERTY + " must be auto, openssl or jdk, got '" + asked + "'");
    }
  }

  /** The TLS provider this transport runs (after start). */
  SslProvider tlsProvider() {
    return tls.provider();
  }

  private void track(Channel ch) {
    channels.add(ch);
    ch.closeFuture().addListener(f -> channels.remove(ch));
  }

  @Override
  public void stop() {
    if (server != null) {
      server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    for (Channel ch : channels) {
      ch.close();
    }
    for (Channel ch : channels) {
      ch.closeFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
    if (group != null) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
  }
}
