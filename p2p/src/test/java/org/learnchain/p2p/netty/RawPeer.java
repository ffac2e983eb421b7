package org.learnchain.p2p.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.p2p.P2PConfig;
import org.learnchain.p2p.PeerAddress;
import org.learnchain.p2p.TestSupport;
import org.learnchain.p2p.tls.MemberTrustManager;
import org.learnchain.p2p.tls.TlsContexts;
import org.learnchain.p2p.tls.TlsIdentity;
import org.learnchain.proto.p2p.Envelope;
import org.learnchain.proto.p2p.HandshakeMessage;

/**
 * A hand-driven peer on a blocking socket: speaks the real protocol (TLS 1.3 through a JDK {@link
 * SSLEngine} it drives itself, so it can also write raw or tampered records) or garbage, so tests
 * can play a misbehaving member or stranger against a real node.
 */
final class RawPeer implements Closeable {
  final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private SSLEngine engine;
  private ByteBuffer netIn = ByteBuffer.allocate(1 << 17);
  private final ByteArrayOutputStream plain = new ByteArrayOutputStream();
  private byte[] pending = new byte[0];

  private RawPeer(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  static RawPeer connect(PeerAddress address) throws IOException {
    Socket s = new Socket(address.host(), address.port());
    s.setTcpNoDelay(true);
    s.setSoTimeout(5000);
    return new RawPeer(s);
  }

  /**
   * Connects with TLS material made beforehand (making it takes longer than a short handshake
   * timeout on a cold JVM).
   */
  static RawPeer connect(PeerAddress address, TlsIdentity id) throws IOException {
    MemberTrustManager trustAll =
        new MemberTrustManager(
            TestSupport.CHAIN,
            TestSupport.GENESIS,
            P2PConfig.PROTOCOL_VERSION,
            (k, inbound) -> Optional.empty());
    SSLEngine engine =
        TlsContexts.create(id, trustAll, SslProvider.JDK)
            .client()
            .newEngine(ByteBufAllocator.DEFAULT);
    RawPeer r = connect(address);
    r.engine = engine;
    return r;
  }

  /** A certificate endorsed by {@code key} for the test chain. */
  static TlsIdentity identity(PrivateKey key) {
    return identity(key, TestSupport.CHAIN, TestSupport.GENESIS, P2PConfig.PROTOCOL_VERSION);
  }

  static TlsIdentity identity(PrivateKey key, String chain, Hash genesis, int version) {
    return TlsIdentity.create(key, chain, genesis, version, new SecureRandom());
  }

  /** A certificate that names {@code claimed} but is endorsed by {@code signer}. */
  static TlsIdentity forged(org.learnchain.crypto.PublicKey claimed, PrivateKey signer) {
    return TlsIdentity.create(
        signer,
        claimed,
        TestSupport.CHAIN,
        TestSupport.GENESIS,
        P2PConfig.PROTOCOL_VERSION,
        new SecureRandom());
  }

  /** Runs TLS, then waits for the node's hello; returns why it failed, if it did. */
  Optional<String> handshake() throws IOException {
    netIn.clear().flip();
    try {
      engine.beginHandshake();
      runHandshake();
      byte[] hello = readFrame(HandshakeHandler.MAX_MESSAGE_BYTES);
      HandshakeMessage m = HandshakeMessage.parseFrom(hello);
      if (!m.hasHello()) {
        return Optional.of("no hello: " + m);
      }
      return Optional.empty();
    } catch (SSLException | EOFException e) {
      return Optional.of(String.valueOf(e.getMessage()));
    } catch (IOException e) {
      return Optional.of("io: " + e.getMessage());
    }
  }

  private void runHandshake() throws IOException {
    ByteBuffer empty = ByteBuffer.allocate(0);
    ByteBuffer appIn = ByteBuffer.allocate(1 << 17);
    while (true) {
      System.err.println(
          "DEBUG raw " + engine.getHandshakeStatus() + " netIn=" + netIn.remaining());
      switch (engine.getHandshakeStatus()) {
        case NEED_WRAP -> {
          ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
          engine.wrap(empty, net);
          net.flip();
          writeRaw(Arrays.copyOf(net.array(), net.limit()));
        }
        case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
          SSLEngineResult r = engine.unwrap(netIn, appIn);
          if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
              || !netIn.hasRemaining() && r.bytesConsumed() == 0) {
            fill();
          }
          if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
            throw new EOFException("TLS closed by the node");
          }
        }
        case NEED_TASK -> {
          Runnable t;
          while ((t = engine.getDelegatedTask()) != null) {
            t.run();
          }
        }
        default -> {
          appIn.flip();
          plain.write(appIn.array(), 0, appIn.limit());
          return;
        }
      }
    }
  }

  /** Reads more TLS bytes from the socket into {@code netIn}. */
  private void fill() throws IOException {
    netIn.compact();
    int n = in.read(netIn.array(), netIn.position(), netIn.remaining());
    if (n < 0) {
      netIn.flip();
      throw new EOFException("connection closed by the node");
    }
    netIn.position(netIn.position() + n);
    netIn.flip();
  }

  /** Decrypts records until {@code n} plaintext bytes are buffered. */
  private byte[] readPlain(int n) throws IOException {
    ByteBuffer appIn = ByteBuffer.allocate(1 << 17);
    while (pendingLength() < n) {
      appIn.clear();
      SSLEngineResult r = engine.unwrap(netIn, appIn);
      if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
        throw new EOFException("TLS closed by the node");
      }
      if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
          || r.bytesProduced() == 0 && r.bytesConsumed() == 0) {
        fill();
        continue;
      }
      appIn.flip();
      plain.write(appIn.array(), 0, appIn.limit());
    }
    byte[] all = concat(pending, plain.toByteArray());
    plain.reset();
    pending = Arrays.copyOfRange(all, n, all.length);
    return Arrays.copyOf(all, n);
  }

  private int pendingLength() {
    return pending.length + plain.size();
  }

  private byte[] readFrame(int max) throws IOException {
    byte[] len = readPlain(4);
    int n =
        ((len[0] & 0xff) << 24)
            | ((len[1] & 0xff) << 16)
            | ((len[2] & 0xff) << 8)
            | (len[3] & 0xff);
    if (n < 0 || n > max) {
      throw new IOException("frame of " + n + " bytes");
    }
    return readPlain(n);
  }

  void writeRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Sends {@code plaintext} as TLS application data (no framing added). */
  void sendSealed(byte[] plaintext) throws IOException {
    writeRaw(seal(plaintext));
  }

  /**
   * The TLS records carrying {@code plaintext}, for a test to write (or tamper with) as it likes.
   */
  byte[] seal(byte[] plaintext) throws IOException {
    ByteBuffer src = ByteBuffer.wrap(plaintext);
    ByteArrayOutputStream records = new ByteArrayOutputStream();
    ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    do {
      net.clear();
      engine.wrap(src, net);
      net.flip();
      records.write(net.array(), 0, net.limit());
    } while (src.hasRemaining());
    return records.toByteArray();
  }

  /** The TLS records of one frame holding {@code body}. */
  byte[] sealFrame(byte[] body) throws IOException {
    byte[] frame = new byte[4 + body.length];
    frame[0] = (byte) (body.length >>> 24);
    frame[1] = (byte) (body.length >>> 16);
    frame[2] = (byte) (body.length >>> 8);
    frame[3] = (byte) body.length;
    System.arraycopy(body, 0, frame, 4, body.length);
    return seal(frame);
  }

  void sendFrame(byte[] body) throws IOException {
    writeRaw(sealFrame(body));
  }

  void send(Envelope e) throws IOException {
    sendFrame(e.toByteArray());
  }

  /** The next envelope from the node. */
  Envelope receive() throws IOException {
    return Envelope.parseFrom(readFrame(64 << 20));
  }

  /** Reads and discards until the node closes the connection; false if it stays open. */
  boolean awaitClosedByNode(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    byte[] sink = new byte[8192];
    socket.setSoTimeout(50);
    while (System.nanoTime() < deadline) {
      try {
        if (in.read(sink) < 0) {
          return true;
        }
      } catch (SocketTimeoutException e) {
        // still open; keep waiting
      } catch (EOFException e) {
        return true;
      } catch (IOException e) {
        return true; // connection reset by the node
      }
    }
    return false;
  }

  private static byte[] concat(byte[] x, byte[] y) {
    byte[] o = Arrays.copyOf(x, x.length + y.length);
    System.arraycopy(y, 0, o, x.length, y.length);
    return o;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
