package org.learnchain.p2p.netty;

import com.google.protobuf.CodedInputStream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.learnchain.p2p.DisconnectReason;
import org.learnchain.p2p.ReputationAdjustment;
import org.learnchain.p2p.core.P2PCore;
import org.learnchain.p2p.core.PeerSession;
import org.learnchain.p2p.handshake.FrameOpener;
import org.learnchain.p2p.handshake.FrameSealer;
import org.learnchain.proto.p2p.Envelope;

/**
 * Turns the authenticated byte stream into envelopes: length prefix, checked against the maximum
 * before anything is buffered for the body; AEAD open; protobuf parse. Any failure drops the peer
 * through {@link P2PCore#violation} with a reason; nothing is thrown into the pipeline, and bytes
 * after a failure are discarded unread.
 */
final class SecureFrameDecoder extends ByteToMessageDecoder {
  private final FrameOpener opener;
  private final long maxCiphertext;
  private final P2PCore core;
  private final PeerSession session;
  private boolean failed;

  SecureFrameDecoder(FrameOpener opener, int maxFrameBytes, P2PCore core, PeerSession session) {
    this.opener = opener;
    this.maxCiphertext = FrameSealer.ciphertextLength(maxFrameBytes);
    this.core = core;
    this.session = session;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (in.readableBytes() < FrameSealer.HEADER_BYTES) {
      return;
    }
    long len = in.getUnsignedInt(in.readerIndex());
    if (len > maxCiphertext) {
      fail(
          in,
          ReputationAdjustment.FRAME_TOO_LARGE,
          DisconnectReason.FRAME_TOO_LARGE,
          "length prefix " + len + " exceeds " + maxCiphertext);
      return;
    }
    if (len < FrameSealer.TAG_BYTES) {
      fail(
          in,
          ReputationAdjustment.DECRYPTION_FAILED,
          DisconnectReason.DECRYPTION_FAILED,
          "frame of " + len + " bytes is shorter than its tag");
      return;
    }
    if (in.readableBytes() < FrameSealer.HEADER_BYTES + len) {
      return;
    }
    in.skipBytes(FrameSealer.HEADER_BYTES);
    byte[] ciphertext = new byte[(int) len];
    in.readBytes(ciphertext);
    core.metrics().bytesIn(FrameSealer.HEADER_BYTES + len);
    Optional<byte[]> plaintext = opener.open(ciphertext);
    if (plaintext.isEmpty()) {
      fail(
          in,
          ReputationAdjustment.DECRYPTION_FAILED,
          DisconnectReason.DECRYPTION_FAILED,
          "frame did not authenticate");
      return;
    }
    try {
      // The plaintext array is ours alone, so parsed byte fields may alias it instead of copying.
      CodedInputStream cis = CodedInputStream.newInstance(plaintext.get());
      cis.enableAliasing(true);
      out.add(Envelope.parseFrom(cis));
    } catch (IOException e) {
      // InvalidProtocolBufferException; a byte array source raises nothing else.
      fail(
          in,
          ReputationAdjustment.MALFORMED_MESSAGE,
          DisconnectReason.MALFORMED_MESSAGE,
          "envelope does not parse");
    }
  }

  private void fail(
      ByteBuf in, ReputationAdjustment adjustment, DisconnectReason reason, String detail) {
    failed = true;
    in.skipBytes(in.readableBytes());
    core.violation(session, adjustment, reason, detail);
  }
}
