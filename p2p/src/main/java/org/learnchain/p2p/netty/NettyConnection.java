package org.learnchain.p2p.netty;

import io.netty.channel.Channel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import org.learnchain.crypto.PublicKey;
import org.learnchain.p2p.DisconnectReason;
import org.learnchain.p2p.PeerAddress;
import org.learnchain.p2p.core.Connection;

/**
 * An authenticated channel. The per-peer outbound bound counts plaintext bytes from the moment they
 * are handed over until the socket has taken them (the write's promise completes), which covers
 * both frames waiting as event-loop tasks and frames in Netty's outbound buffer.
 */
final class NettyConnection implements Connection {
  private final Channel channel;
  private final PublicKey remoteKey;
  private final boolean outbound;
  private final PeerAddress remoteAddress;
  private final long maxQueuedBytes;
  private final AtomicLong queued = new AtomicLong();

  NettyConnection(
      Channel channel,
      PublicKey remoteKey,
      boolean outbound,
      PeerAddress remoteAddress,
      long maxQueuedBytes) {
    this.channel = channel;
    this.remoteKey = remoteKey;
    this.outbound = outbound;
    this.remoteAddress = remoteAddress;
    this.maxQueuedBytes = maxQueuedBytes;
  }

  @Override
  public PublicKey remoteKey() {
    return remoteKey;
  }

  @Override
  public boolean outbound() {
    return outbound;
  }

  @Override
  public PeerAddress remoteAddress() {
    return remoteAddress;
  }

  @Override
  public boolean send(byte[] envelope) {
    return send(envelope, envelope.length, b -> {});
  }

  @Override
  public boolean send(byte[] buf, int length, Consumer<byte[]> recycle) {
    long n = length;
    if (queued.addAndGet(n) > maxQueuedBytes) {
      queued.addAndGet(-n);
      return false;
    }
    channel
        .writeAndFlush(new OutboundFrame(buf, 0, length, recycle))
        .addListener(f -> queued.addAndGet(-n));
    return true;
  }

  @Override
  public boolean writable() {
    return channel.isWritable() && queued.get() < maxQueuedBytes / 2;
  }

  @Override
  public String security() {
    SslHandler ssl = channel.pipeline().get(SslHandler.class);
    if (ssl == null) {
      return "none";
    }
    SSLSession session = ssl.engine().getSession();
    return session.getProtocol() + " " + session.getCipherSuite() + " " + library(ssl.engine());
  }

  /**
   * The library behind an engine: BoringSSL (or another OpenSSL) through netty-tcnative, or the
   * JDK.
   */
  static String library(SSLEngine engine) {
    if (engine instanceof ReferenceCountedOpenSslEngine) {
      return OpenSsl.versionString();
    }
    return "JDK";
  }

  @Override
  public void close(DisconnectReason reason) {
    channel.close();
  }
}
