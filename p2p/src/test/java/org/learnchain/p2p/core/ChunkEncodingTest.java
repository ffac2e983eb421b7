package org.learnchain.p2p.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnsafeByteOperations;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.learnchain.p2p.TestSupport;
import org.learnchain.proto.p2p.BlobChunk;
import org.learnchain.proto.p2p.Envelope;
import org.learnchain.proto.p2p.Response;

/** The hand-written chunk envelope and the zero-copy view of parsed chunk bytes. */
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

  @Test
  void parsedChunkBytesAreAViewOfTheFrameNotACopy() throws Exception {
    byte[] data = TestSupport.randomBytes(3, 100_000);
    ChunkEnvelope e = ChunkEnvelope.allocate(42, 7 * 100_000L, data.length);
    System.arraycopy(data, 0, e.bytes(), e.dataOffset(), data.length);

    // As the frame decoder parses: aliasing over an input declared immutable.
    CodedInputStream in = UnsafeByteOperations.unsafeWrap(e.bytes()).newCodedInput();
    in.enableAliasing(true);
    ByteString parsed = Envelope.parseFrom(in).getResponse().getBlobChunk().getData();
    ByteSlice view = ByteSlice.of(parsed);
    assertSame(e.bytes(), view.array());
    assertEquals(e.dataOffset(), view.offset());
    assertEquals(data.length, view.length());

    // Without aliasing the parser copies; the view then falls back to an array of its own.
    ByteString copied = Envelope.parseFrom(e.bytes()).getResponse().getBlobChunk().getData();
    ByteSlice own = ByteSlice.of(copied);
    assertNotSame(e.bytes(), own.array());
    assertArrayEquals(
        data, Arrays.copyOfRange(own.array(), own.offset(), own.offset() + own.length()));

    // A rope (concatenation) is not one array range: it is copied, correctly.
    ByteString rope =
        ByteString.copyFrom(data, 0, 60_000).concat(ByteString.copyFrom(data, 60_000, 40_000));
    ByteSlice flat = ByteSlice.of(rope);
    assertEquals(0, flat.offset());
    assertTrue(Arrays.equals(data, flat.array()));
  }
}
