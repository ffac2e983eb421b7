package org.learnchain.p2p.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.learnchain.p2p.TestSupport;
import org.learnchain.proto.p2p.BlobChunk;
import org.learnchain.proto.p2p.Envelope;
import org.learnchain.proto.p2p.Response;

/** The hand-written chunk envelope. */
class ChunkEncodingTest {

  @ParameterizedTest
  @CsvSource({
    "1, 0, 1",
    "0, 0, 5",
    "127, 127, 127",
    "128, 128, 128",
    "16384, 262144, 262144",
    "9223372036854775807, 4611686018427387904, 70000",
    "-1, 1099511627776, 2097152",
    "300, 0, 0"
  })
  void headerPlusDataIsExactlyWhatTheGeneratedCodeWrites(long id, long offset, int length) {
    byte[] data = TestSupport.randomBytes(offset ^ length, length);
    ChunkEnvelope e = ChunkEnvelope.allocate(id, offset, length);
    assertEquals(e.bytes().length - length, e.dataOffset());
    System.arraycopy(data, 0, e.bytes(), e.dataOffset(), length);

    byte[] expected =
        Envelope.newBuilder()
            .setResponse(
                Response.newBuilder()
                    .setId(id)
                    .setBlobChunk(
                        BlobChunk.newBuilder()
                            .setOffset(offset)
                            .setData(ByteString.copyFrom(data))))
            .build()
            .toByteArray();
    assertArrayEquals(expected, e.bytes());
  }
}
