package org.learnchain.p2p.netty;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnsafeByteOperations;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.io.IOException;
import java.util.List;
import org.learnchain.p2p.DisconnectReason;
import org.learnchain.p2p.ReputationAdjustment;
import org.learnchain.p2p.core.FrameLease;
import org.learnchain.p2p.core.P2PCore;
import org.learnchain.p2p.core.PeerSession;
import org.learnchain.proto.p2p.Envelope;

/**
 * Turns the decrypted TLS stream into envelopes: length prefix, checked against the maximum before
 * anything is allocated for the body; protobuf parse. Any failure drops the peer through {@link
 * P2PCore#violation} with a reason; nothing is thrown into the pipeline, and bytes after a failure
 * are discarded unread.
 *
 * <p>A frame's bytes are copied into its plaintext array as they arrive (the only copy on the
 * inbound path after TLS), so the cumulation never holds more than about one TLS record.
 */
final class FrameDecoder extends ByteToMessageDecoder {
  private final int maxFrameBytes;
  private final P2PCore core;
  private final PeerSession session;
  private boolean failed;
  private boolean inFrame;
  private byte[] plaintext;
  private boolean pooled;
  private int frameLength;
  private int written;

  FrameDecoder(int maxFrameBytes, P2PCore core, PeerSession session) {
    this.maxFrameBytes = maxFrameBytes;
    this.core = core;
    this.session = session;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (!inFrame && !beginFrame(in)) {
      return;
    }
    int n = Math.min(in.readableBytes(), frameLength - written);
    if (n == 0 && frameLength > 0) {
      return;
    }
    if (plaintext == null) {
      // Only now, with body bytes in hand: a prefix alone allocates nothing.
      pooled = core.framePool().suits(frameLength);
      plaintext = core.framePool().take(frameLength);
    }
    in.readBytes(plaintext, written, n);
    written += n;
    if (written < frameLength) {
      return;
    }
    byte[] frame = plaintext;
    plaintext = null;
    inFrame = false;
    try {
      // The array is ours alone and not written again until its lease is released, so parsed
      // byte fields may alias it instead of copying. Protobuf aliases only an input it is told is
      // immutable, which is what a wrapping ByteString's coded input declares.
      CodedInputStream cis = UnsafeByteOperations.unsafeWrap(frame, 0, frameLength).newCodedInput();
      cis.enableAliasing(true);
      Envelope envelope = Envelope.parseFrom(cis);
      out.add(
          new InboundEnvelope(
              envelope, pooled ? FrameLease.of(core.framePool(), frame) : FrameLease.none()));
    } catch (IOException e) {
      if (pooled) {
        core.framePool().give(frame); // nothing parsed from it survives
      }
      // InvalidProtocolBufferException; a byte array source raises nothing else.
      fail(
          in,
          ReputationAdjustment.MALFORMED_MESSAGE,
          DisconnectReason.MALFORMED_MESSAGE,
          "envelope does not parse");
    }
  }

  /** Reads and checks a length prefix; false while it is incomplete or after a failure. */
  private boolean beginFrame(ByteBuf in) {
    if (in.readableBytes() < FrameEncoder.HEADER_BYTES) {
      return false;
    }
    long len = in.getUnsignedInt(in.readerIndex());
    if (len > maxFrameBytes) {
      fail(
          in,
          ReputationAdjustment.FRAME_TOO_LARGE,
          DisconnectReason.FRAME_TOO_LARGE,
          "length prefix " + len + " exceeds " + maxFrameBytes);
      return false;
    }
    in.skipBytes(FrameEncoder.HEADER_BYTES);
    core.metrics().bytesIn(FrameEncoder.HEADER_BYTES + len);
    inFrame = true;
    frameLength = (int) len;
    written = 0;
    return true;
  }

  private void fail(
      ByteBuf in, ReputationAdjustment adjustment, DisconnectReason reason, String detail) {
    failed = true;
    if (plaintext != null && pooled) {
      core.framePool().give(plaintext); // the frame is abandoned; nothing was parsed from it
    }
    plaintext = null;
    in.skipBytes(in.readableBytes());
    core.violation(session, adjustment, reason, detail);
  }
}
