package org.learnchain.p2p.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import javax.net.ssl.SSLException;

/**
 * The two TLS 1.3 contexts of a node (server side for accepted connections, client side for dialled
 * ones), both presenting the node's certificate and both requiring the peer's, checked by a {@link
 * MemberTrustManager}. BoringSSL (netty-tcnative) runs the records when its natives load; otherwise
 * the JDK provider does (docs/protocol.md, section 8).
 */
public final class TlsContexts {
  /** TLS 1.3 only: no version negotiation below it, no renegotiation. */
  static final String[] PROTOCOLS = {"TLSv1.3"};

  private final SslContext server;
  private final SslContext client;
  private final SslProvider provider;

  private TlsContexts(SslContext server, SslContext client, SslProvider provider) {
    this.server = server;
    this.client = client;
    this.provider = provider;
  }

  /** The provider a node gets when it does not ask for one. */
  public static SslProvider defaultProvider() {
    return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
  }

  public static TlsContexts create(
      TlsIdentity identity, MemberTrustManager trust, SslProvider provider) throws SSLException {
    SslContext server =
        SslContextBuilder.forServer(identity.privateKey(), identity.certificate())
            .sslProvider(provider)
            .protocols(PROTOCOLS)
            .clientAuth(ClientAuth.REQUIRE)
            .trustManager(trust)
            .build();
    SslContext client =
        SslContextBuilder.forClient()
            .keyManager(identity.privateKey(), identity.certificate())
            .sslProvider(provider)
            .protocols(PROTOCOLS)
            .trustManager(trust)
            .endpointIdentificationAlgorithm(null)
            .build();
    return new TlsContexts(server, client, provider);
  }

  public SslContext server() {
    return server;
  }

  public SslContext client() {
    return client;
  }

  public SslProvider provider() {
    return provider;
  }
}
