package org.learnchain.p2p.netty;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.p2p.PeerAddress;
import org.learnchain.p2p.TestSupport;
import org.learnchain.p2p.handshake.FrameOpener;
import org.learnchain.p2p.handshake.FrameSealer;
import org.learnchain.p2p.handshake.Handshaker;
import org.learnchain.proto.p2p.Envelope;
import org.learnchain.proto.p2p.HandshakeMessage;

/**
 * A hand-driven peer on a blocking socket: speaks the real protocol (or garbage) so tests can play
 * a misbehaving member or stranger against a real node.
 */
final class RawPeer implements Closeable {
  final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private FrameSealer sealer;
  private FrameOpener opener;

  private RawPeer(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  static RawPeer connect(PeerAddress address) throws IOException {
    Socket s = new Socket(address.host(), address.port());
    s.setTcpNoDelay(true);
    s.setSoTimeout(5000);
    return new RawPeer(s);
  }

  /** Runs the initiator's handshake with {@code key}; returns the failing step, if any. */
  Optional<Handshaker.Step.Fail> handshake(PrivateKey key) throws IOException {
    Handshaker h =
        Handshaker.initiator(
            new Handshaker.Params(TestSupport.CHAIN, 1, TestSupport.GENESIS, key),
            peer -> Optional.empty(),
            Optional.empty(),
            new SecureRandom());
    writeHandshake(h.start());
    int len = in.readInt();
    byte[] body = new byte[len];
    in.readFully(body);
    Handshaker.Step step = h.onMessage(HandshakeMessage.parseFrom(body));
    if (step instanceof Handshaker.Step.Fail f) {
      return Optional.of(f);
    }
    Handshaker.Step.Done done = (Handshaker.Step.Done) step;
    writeHandshake(done.last().orElseThrow());
    sealer = done.keys().sealer();
    opener = done.keys().opener();
    return Optional.empty();
  }

  private void writeHandshake(HandshakeMessage m) throws IOException {
    byte[] body = m.toByteArray();
    byte[] frame = new byte[4 + body.length];
    frame[0] = (byte) (body.length >>> 24);
    frame[1] = (byte) (body.length >>> 16);
    frame[2] = (byte) (body.length >>> 8);
    frame[3] = (byte) body.length;
    System.arraycopy(body, 0, frame, 4, body.length);
    writeRaw(frame);
  }

  void writeRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Encrypts arbitrary plaintext as a well-formed frame. */
  void sendSealed(byte[] plaintext) throws IOException {
    writeRaw(seal(plaintext));
  }

  /** The frame for {@code plaintext}, for a test to write as it likes. */
  byte[] seal(byte[] plaintext) {
    return sealer.seal(plaintext);
  }

  void send(Envelope e) throws IOException {
    sendSealed(e.toByteArray());
  }

  /** The next envelope from the node. */
  Envelope receive() throws IOException {
    int len = in.readInt();
    byte[] ct = new byte[len];
    in.readFully(ct);
    return Envelope.parseFrom(
        opener.open(ct).orElseThrow(() -> new IOException("frame did not authenticate")));
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

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
