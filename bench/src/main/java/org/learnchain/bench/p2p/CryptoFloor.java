package org.learnchain.bench.p2p;

import io.netty.buffer.ByteBufAllocator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.p2p.tls.MemberTrustManager;
import org.learnchain.p2p.tls.TlsContexts;
import org.learnchain.p2p.tls.TlsIdentity;

/**
 * What the cryptography alone of a verified, encrypted copy costs per GB, measured on one thread
 * each: sealing and opening the bytes as TLS 1.3 records with the nodes' own contexts (same
 * library, same cipher suite, two engines joined in memory, no socket), and hashing them once with
 * SHA-256, the one pass a content-addressed fetch cannot skip. Added to the plain TCP copy's CPU
 * per GB this is a floor no blob transfer here can go under, whatever its protocol
 * (docs/benchmarks.md).
 */
final class CryptoFloor {
  /** One TLS record's worth of application data, the most a record carries. */
  private static final int RECORD = 16 << 10;

  private CryptoFloor() {}

  /** CPU seconds per GB of one thread, for the TLS records (both ends) and for the hash. */
  record Figures(String tls, double tlsRecordsCpuSecondsPerGB, double sha256CpuSecondsPerGB) {
    double total() {
      return tlsRecordsCpuSecondsPerGB + sha256CpuSecondsPerGB;
    }
  }

  static Figures measure(byte[] blob, PrivateKey a, PrivateKey b, String chainId, Hash genesis)
      throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double gb = blob.length / 1e9;
    long h0 = threads.getCurrentThreadCpuTime();
    MessageDigest.getInstance("SHA-256").digest(blob);
    double sha = (threads.getCurrentThreadCpuTime() - h0) / 1e9 / gb;

    SecureRandom random = new SecureRandom();
    MemberTrustManager trust =
        new MemberTrustManager(chainId, genesis, 1, (key, inbound) -> Optional.empty());
    TlsContexts serverCtx =
        TlsContexts.create(
            TlsIdentity.create(a, chainId, genesis, 1, random),
            trust,
            TlsContexts.defaultProvider());
    TlsContexts clientCtx =
        TlsContexts.create(
            TlsIdentity.create(b, chainId, genesis, 1, random),
            trust,
            TlsContexts.defaultProvider());
    SSLEngine server = serverCtx.server().newEngine(ByteBufAllocator.DEFAULT);
    SSLEngine client = clientCtx.client().newEngine(ByteBufAllocator.DEFAULT);
    try {
      int packet = Math.max(server.getSession().getPacketBufferSize(), 1 << 17);
      ByteBuffer toClient = ByteBuffer.allocateDirect(packet);
      ByteBuffer toServer = ByteBuffer.allocateDirect(packet);
      ByteBuffer appIn = ByteBuffer.allocateDirect(RECORD * 2);
      handshake(client, server, toServer, toClient, appIn);
      String tls = server.getSession().getProtocol() + " " + server.getSession().getCipherSuite();

      ByteBuffer plain = ByteBuffer.allocateDirect(RECORD);
      long t0 = threads.getCurrentThreadCpuTime();
      for (int off = 0; off < blob.length; off += RECORD) {
        int n = Math.min(RECORD, blob.length - off);
        plain.clear();
        plain.put(blob, off, n).flip();
        toClient.clear();
        check(server.wrap(plain, toClient), "seal");
        toClient.flip();
        appIn.clear();
        // A record at a time; the first may be preceded by the server's post-handshake messages.
        while (toClient.hasRemaining()) {
          SSLEngineResult r = client.unwrap(toClient, appIn);
          check(r, "open");
          if (r.bytesConsumed() == 0) {
            throw new IllegalStateException("a TLS record did not open: " + r);
          }
        }
        if (appIn.position() != n) {
          throw new IllegalStateException("record opened to " + appIn.position() + " of " + n);
        }
      }
      double records = (threads.getCurrentThreadCpuTime() - t0) / 1e9 / gb;
      return new Figures(tls, records, sha);
    } finally {
      client.closeOutbound();
      server.closeOutbound();
      release(client);
      release(server);
    }
  }

  /** Runs both engines' handshake through two in-memory pipes. */
  private static void handshake(
      SSLEngine client, SSLEngine server, ByteBuffer toServer, ByteBuffer toClient, ByteBuffer app)
      throws SSLException {
    client.beginHandshake();
    server.beginHandshake();
    ByteBuffer empty = ByteBuffer.allocate(0);
    toServer.clear().flip();
    toClient.clear().flip();
    for (int step = 0; step < 100; step++) {
      if (done(client) && done(server) && !toServer.hasRemaining()) {
        return;
      }
      pump(client, empty, toServer, toClient, app);
      pump(server, empty, toClient, toServer, app);
    }
    throw new SSLException("in-memory TLS handshake did not finish");
  }

  /** One step of an engine: reads what its peer sent ({@code in}), writes to {@code out}. */
  private static void pump(
      SSLEngine e, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer app)
      throws SSLException {
    runTasks(e);
    if (in.hasRemaining()) {
      app.clear();
      e.unwrap(in, app);
      runTasks(e);
    }
    in.compact().flip();
    // Netty's OpenSSL engine can finish its side only in a wrap, even while it asks to unwrap.
    if (!done(e)) {
      out.compact();
      e.wrap(empty, out);
      out.flip();
      runTasks(e);
    }
  }

  private static void runTasks(SSLEngine e) {
    Runnable task;
    while ((task = e.getDelegatedTask()) != null) {
      task.run();
    }
  }

  private static boolean done(SSLEngine e) {
    HandshakeStatus s = e.getHandshakeStatus();
    return s == HandshakeStatus.NOT_HANDSHAKING || s == HandshakeStatus.FINISHED;
  }

  private static void check(SSLEngineResult r, String what) {
    if (r.getStatus() != SSLEngineResult.Status.OK) {
      throw new IllegalStateException(what + " of a TLS record: " + r);
    }
  }

  private static void release(SSLEngine e) {
    if (e instanceof io.netty.util.ReferenceCounted rc && rc.refCnt() > 0) {
      rc.release();
    }
  }
}
