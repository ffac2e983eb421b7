package org.learnchain.p2p.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.fuzz.FuzzInputs;
import org.learnchain.crypto.fuzz.ThreadAllocations;
import org.learnchain.p2p.blob.InMemoryBlobStore;

/**
 * Fuzzes the check of a peer's blob manifest ({@link BlobManifest#fromProto}), the one answer a
 * blob fetch trusts provisionally: it sizes the fetch and every chunk check. The input is a
 * manifest message for the blob {@link FuzzNode#BLOB_HASH}. The contract checked: a manifest or a
 * one-line reason, never an exception; allocation in proportion to the input whatever size and
 * chunk count it claims; an accepted manifest describes exactly the bytes it claims (its chunks
 * tile the blob, each within the chunk limit) and says the same when encoded again.
 */
class BlobManifestFuzzTest {
  static final long MAX_BYTES = 1 << 20;
  static final int MAX_CHUNK = FuzzNode.MAX_FRAME_BYTES - 1024;

  @FuzzTest(maxDuration = "3m")
  void fromPeer(byte[] data) {
    org.learnchain.proto.p2p.BlobManifest p;
    try {
      p = org.learnchain.proto.p2p.BlobManifest.parseFrom(data);
    } catch (InvalidProtocolBufferException e) {
      return;
    }
    BlobManifest.Parsed parsed =
        ThreadAllocations.bounded(
            data.length, () -> BlobManifest.fromProto(p, FuzzNode.BLOB_HASH, MAX_BYTES, MAX_CHUNK));
    if (parsed instanceof BlobManifest.Parsed.Ok ok) {
      BlobManifest m = ok.manifest();
      assertTrue(m.size() >= 0 && m.size() <= MAX_BYTES);
      assertTrue(m.chunkSize() > 0 && m.chunkSize() <= MAX_CHUNK);
      long covered = 0;
      for (int i = 0; i < m.chunkCount(); i++) {
        assertEquals(covered, m.offset(i));
        assertTrue(m.length(i) > 0 && m.length(i) <= m.chunkSize());
        covered += m.length(i);
      }
      assertEquals(m.size(), covered, "chunks do not tile the blob");
      org.learnchain.proto.p2p.BlobManifest again = m.toProto();
      assertEquals(p.getContentHash(), again.getContentHash());
      assertEquals(p.getSize(), again.getSize());
      assertEquals(p.getChunkSize(), again.getChunkSize());
      assertEquals(p.getPrefixHashesList(), again.getPrefixHashesList());
      if (m.chunkCount() > 0) {
        assertEquals(FuzzNode.BLOB_HASH, m.prefixHashes().get(m.chunkCount() - 1));
      }
    } else {
      String why = assertInstanceOf(BlobManifest.Parsed.Bad.class, parsed).reason();
      assertFalse(why.contains("\n"), why);
    }
  }

  static Map<String, byte[]> seeds() {
    InMemoryBlobStore store = new InMemoryBlobStore();
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    try {
      store.put(FuzzNode.BLOB);
      for (int chunk : new int[] {FuzzNode.CHUNK_BYTES, 1000}) {
        BlobManifest m = BlobManifest.compute(store, FuzzNode.BLOB_HASH, chunk).orElseThrow();
        seeds.put("chunks-of-" + chunk, m.toProto().toByteArray());
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return seeds;
  }

  @Test
  void seedsAreAcceptedAndSaved() throws InvalidProtocolBufferException {
    for (byte[] seed : seeds().values()) {
      assertInstanceOf(
          BlobManifest.Parsed.Ok.class,
          BlobManifest.fromProto(
              org.learnchain.proto.p2p.BlobManifest.parseFrom(seed),
              FuzzNode.BLOB_HASH,
              MAX_BYTES,
              MAX_CHUNK));
      fromPeer(seed);
    }
    FuzzInputs.sync(getClass(), "fromPeer", seeds());
  }
}
