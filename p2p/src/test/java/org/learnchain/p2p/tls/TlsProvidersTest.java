package org.learnchain.p2p.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.p2p.DisconnectReason;
import org.learnchain.p2p.TestSupport;

/**
 * The endorsed certificates work between every pairing of BoringSSL and the JDK provider over real
 * loopback sockets: TLS 1.3 is negotiated, each side learns the other's member key, and a refusal
 * by the trust manager keeps its reason (docs/protocol.md, section 8).
 */
class TlsProvidersTest {
  private static EventLoopGroup group;
  private final PrivateKey server = TestSupport.key("member-0");
  private final PrivateKey client = TestSupport.key("member-1");

  @BeforeAll
  static void start() {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  }

  @AfterAll
  static void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  private static TlsContexts contexts(PrivateKey key, SslProvider provider, boolean refuseAll)
      throws Exception {
    return TlsContexts.create(
        TlsIdentity.create(key, TestSupport.CHAIN, TestSupport.GENESIS, 1, new SecureRandom()),
        new MemberTrustManager(
            TestSupport.CHAIN,
            TestSupport.GENESIS,
            1,
            (k, inbound) ->
                refuseAll ? Optional.of(DisconnectReason.NOT_A_MEMBER) : Optional.empty()),
        provider);
  }

  /** Outcome of one side's handshake: the peer's member key, or the failure. */
  private record Outcome(PublicKey peer, String protocol, Throwable failure) {}

  private static ChannelInitializer<SocketChannel> side(
      TlsContexts tls, boolean isClient, CompletableFuture<Outcome> done) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        SslHandler ssl =
            isClient ? tls.client().newHandler(ch.alloc()) : tls.server().newHandler(ch.alloc());
        ch.pipeline()
            .addLast(ssl)
            .addLast(
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                    if (evt instanceof SslHandshakeCompletionEvent e) {
                      if (!e.isSuccess()) {
                        done.complete(new Outcome(null, null, e.cause()));
                        return;
                      }
                      try {
                        done.complete(
                            new Outcome(
                                MemberTrustManager.memberKey(
                                    ssl.engine().getSession().getPeerCertificates()),
                                ssl.engine().getSession().getProtocol(),
                                null));
                      } catch (Exception ex) {
                        done.complete(new Outcome(null, null, ex));
                      }
                    }
                  }

                  @Override
                  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    ctx.close();
                  }
                });
      }
    };
  }

  /**
   * The BoringSSL natives ship for linux-x86_64 only: there they must load; elsewhere the BoringSSL
   * pairings are skipped (the node runs the JDK provider).
   */
  private static void requireProviders(SslProvider... providers) {
    boolean wantsOpenSsl = java.util.Arrays.asList(providers).contains(SslProvider.OPENSSL);
    if (!wantsOpenSsl) {
      return;
    }
    boolean shipped =
        System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux")
            && java.util.Set.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
    if (shipped) {
      assertTrue(
          OpenSsl.isAvailable(), () -> "BoringSSL did not load: " + OpenSsl.unavailabilityCause());
    } else {
      org.junit.jupiter.api.Assumptions.assumeTrue(OpenSsl.isAvailable(), "no BoringSSL natives");
    }
  }

  private Outcome[] handshake(SslProvider sp, SslProvider cp, boolean serverRefuses)
      throws Exception {
    requireProviders(sp, cp);
    CompletableFuture<Outcome> atServer = new CompletableFuture<>();
    CompletableFuture<Outcome> atClient = new CompletableFuture<>();
    Channel listener =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(side(contexts(server, sp, serverRefuses), false, atServer))
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
    try {
      int port = ((InetSocketAddress) listener.localAddress()).getPort();
      new Bootstrap()
          .group(group)
          .channel(NioSocketChannel.class)
          .handler(side(contexts(client, cp, false), true, atClient))
          .connect("127.0.0.1", port)
          .sync();
      return new Outcome[] {atServer.get(20, TimeUnit.SECONDS), atClient.get(20, TimeUnit.SECONDS)};
    } finally {
      listener.close().sync();
    }
  }

  @ParameterizedTest
  @CsvSource({"OPENSSL,OPENSSL", "OPENSSL,JDK", "JDK,OPENSSL", "JDK,JDK"})
  void everyProviderPairingAuthenticatesBothMembers(SslProvider sp, SslProvider cp)
      throws Exception {
    Outcome[] o = handshake(sp, cp, false);
    assertNull(o[0].failure(), () -> "server: " + o[0].failure());
    assertNull(o[1].failure(), () -> "client: " + o[1].failure());
    assertEquals(client.publicKey(), o[0].peer());
    assertEquals(server.publicKey(), o[1].peer());
    assertEquals("TLSv1.3", o[0].protocol());
    assertEquals("TLSv1.3", o[1].protocol());
  }

  @ParameterizedTest
  @CsvSource({"OPENSSL,OPENSSL", "JDK,JDK", "OPENSSL,JDK", "JDK,OPENSSL"})
  void aRefusalKeepsItsReasonUnderEveryProvider(SslProvider sp, SslProvider cp) throws Exception {
    Outcome[] o = handshake(sp, cp, true);
    Throwable t = o[0].failure();
    MemberTrustManager.RefusedCertificateException refused = null;
    for (; t != null; t = t.getCause()) {
      if (t instanceof MemberTrustManager.RefusedCertificateException r) {
        refused = r;
      }
    }
    assertTrue(refused != null, () -> "no refusal in " + o[0].failure());
    assertEquals(DisconnectReason.NOT_A_MEMBER, refused.reason());
  }
}
