package org.learnchain.p2p.core;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import org.learnchain.proto.p2p.BlobChunk;
import org.learnchain.proto.p2p.Envelope;
import org.learnchain.proto.p2p.Response;

/**
 * The encoding of {@code Envelope{response: Response{id, blob_chunk: BlobChunk{offset, data}}}}
 * written by hand so that the chunk bytes can be put in place afterwards. Protobuf writes fields in
 * field-number order and {@code data} is the last field of each enclosing message, so the encoding
 * is a short header followed by the raw chunk bytes: {@link #encode} writes the header and leaves
 * {@code [dataOffset, length)} for the caller to fill (the blob store reads into it). The bytes are
 * exactly what the generated code would produce for the same values, which the tests check, so
 * receivers parse it as any other envelope.
 */
record ChunkEnvelope(byte[] bytes, int dataOffset, int length) {

  /** The longest header: five one-byte tags, three length varints, two 64-bit varints. */
  static final int MAX_HEADER_BYTES = 5 + 3 * 5 + 2 * 10;

  /** An envelope in an array of its own, exactly {@code length} bytes long. */
  static ChunkEnvelope allocate(long requestId, long offset, int length) {
    return encode(null, requestId, offset, length);
  }

  /**
   * An envelope in an array from {@code pool} (or a new one when the pool has none that suits); the
   * envelope is {@code bytes[0, length)}.
   */
  static ChunkEnvelope encode(ByteArrayPool pool, long requestId, long offset, int length) {
    if (length < 0) {
      throw new IllegalArgumentException("negative chunk length " + length);
    }
    // proto3 leaves fields at their default value (0, empty) out of the encoding.
    int chunkBody =
        (offset != 0
                ? CodedOutputStream.computeUInt64Size(BlobChunk.OFFSET_FIELD_NUMBER, offset)
                : 0)
            + (length != 0
                ? CodedOutputStream.computeTagSize(BlobChunk.DATA_FIELD_NUMBER)
                    + CodedOutputStream.computeUInt32SizeNoTag(length)
                    + length
                : 0);
    int responseBody =
        (requestId != 0
                ? CodedOutputStream.computeUInt64Size(Response.ID_FIELD_NUMBER, requestId)
                : 0)
            + CodedOutputStream.computeTagSize(Response.BLOB_CHUNK_FIELD_NUMBER)
            + CodedOutputStream.computeUInt32SizeNoTag(chunkBody)
            + chunkBody;
    int total =
        CodedOutputStream.computeTagSize(Envelope.RESPONSE_FIELD_NUMBER)
            + CodedOutputStream.computeUInt32SizeNoTag(responseBody)
            + responseBody;
    byte[] bytes = pool == null ? new byte[total] : pool.take(total);
    int headerLength = total - length;
    CodedOutputStream out = CodedOutputStream.newInstance(bytes, 0, headerLength);
    try {
      out.writeTag(Envelope.RESPONSE_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(responseBody);
      if (requestId != 0) {
        out.writeUInt64(Response.ID_FIELD_NUMBER, requestId);
      }
      out.writeTag(Response.BLOB_CHUNK_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(chunkBody);
      if (offset != 0) {
        out.writeUInt64(BlobChunk.OFFSET_FIELD_NUMBER, offset);
      }
      if (length != 0) {
        out.writeTag(BlobChunk.DATA_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(length);
      }
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      // The sizes above are exact, so the header fills its room to the byte.
      throw new IllegalStateException("chunk envelope header miscomputed", e);
    }
    return new ChunkEnvelope(bytes, headerLength, total);
  }
}
