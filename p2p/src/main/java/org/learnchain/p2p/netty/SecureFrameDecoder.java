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
import org.learnchain.p2p.handshake.FrameOpener;
import org.learnchain.p2p.handshake.FrameSealer;
import org.learnchain.proto.p2p.Envelope;

/**
 * Turns the authenticated byte stream into envelopes: length prefix, checked against the maximum
 * before anything is allocated for the body; AEAD open; protobuf parse. Any failure drops the peer
 * through {@link P2PCore#violation} with a reason; nothing is thrown into the pipeline, and bytes
 * after a failure are discarded unread.
 *
 * <p>Records are opened as soon as each has arrived, into the frame's plaintext array: the
 * cumulation never holds more than about one record and a read. Nothing of a frame is acted on
 * until all its records have authenticated.
 */
final class SecureFrameDecoder extends ByteToMessageDecoder {
  private final FrameOpener opener;
  private final long maxCiphertext;
  private final P2PCore core;
  private final PeerSession session;
  private final byte[] stage = new byte[FrameOpener.FULL_RECORD];
  private boolean failed;

  /** Whether a length prefix has been read and its frame's records are still to come. */
  private boolean inFrame;

  /**
   * The frame's plaintext, taken once its first record has arrived: from the node's frame pool when
   * the frame has a blob chunk's size, otherwise a new array.
   */
  private byte[] plaintext;

  private boolean pooled;

  private int plaintextLength;
  private int written;
  private long ciphertextLeft;

  SecureFrameDecoder(FrameOpener opener, int maxFrameBytes, P2PCore core, PeerSession session) {
    // Socket reads are kept as they are and chained, not merged into one growing buffer: each
    // record is copied exactly once anyway, into the staging array.
    setCumulator(COMPOSITE_CUMULATOR);
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
    if (!inFrame && !beginFrame(in)) {
      return;
    }
    while (ciphertextLeft > 0) {
      int n = FrameOpener.nextRecordLength(ciphertextLeft);
      if (in.readableBytes() < n) {
        return;
      }
      if (plaintext == null) {
        // Only now, with a whole record in hand: a prefix alone allocates nothing.
        pooled = core.framePool().suits(plaintextLength);
        plaintext = core.framePool().take(plaintextLength);
      }
      boolean authentic;
      if (in.hasArray()) {
        authentic =
            opener.openRecord(
                in.array(), in.arrayOffset() + in.readerIndex(), n, plaintext, written);
      } else {
        // One copy of each record, out of however many socket reads it arrived in, into an
        // array that stays in cache; AES-GCM runs faster on it than on direct memory.
        in.getBytes(in.readerIndex(), stage, 0, n);
        authentic = opener.openRecord(stage, 0, n, plaintext, written);
      }
      if (!authentic) {
        fail(
            in,
            ReputationAdjustment.DECRYPTION_FAILED,
            DisconnectReason.DECRYPTION_FAILED,
            "frame did not authenticate");
        return;
      }
      in.skipBytes(n);
      written += n - FrameSealer.TAG_BYTES;
      ciphertextLeft -= n;
    }
    byte[] frame = plaintext;
    plaintext = null;
    inFrame = false;
    try {
      // The plaintext array is ours alone and not written again until its lease is released, so
      // parsed byte fields may alias it instead of copying. Protobuf aliases only an input it is
      // told is immutable, which is what a wrapping ByteString's coded input declares.
      CodedInputStream cis =
          UnsafeByteOperations.unsafeWrap(frame, 0, plaintextLength).newCodedInput();
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
    if (in.readableBytes() < FrameSealer.HEADER_BYTES) {
      return false;
    }
    long len = in.getUnsignedInt(in.readerIndex());
    if (len > maxCiphertext) {
      fail(
          in,
          ReputationAdjustment.FRAME_TOO_LARGE,
          DisconnectReason.FRAME_TOO_LARGE,
          "length prefix " + len + " exceeds " + maxCiphertext);
      return false;
    }
    long ptLen = opener.beginFrame((int) len);
    if (ptLen < 0) {
      fail(
          in,
          ReputationAdjustment.DECRYPTION_FAILED,
          DisconnectReason.DECRYPTION_FAILED,
          "frame of " + len + " bytes is no sequence of sealed records");
      return false;
    }
    in.skipBytes(FrameSealer.HEADER_BYTES);
    core.metrics().bytesIn(FrameSealer.HEADER_BYTES + len);
    inFrame = true;
    plaintextLength = (int) ptLen; // at most maxFrameBytes, by the check above
    written = 0;
    ciphertextLeft = len;
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
