package org.learnchain.p2p.core;

import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.learnchain.crypto.Hash;
import org.learnchain.p2p.blob.BlobStore;
import org.learnchain.proto.p2p.BlobChunk;
import org.learnchain.proto.p2p.BlobChunkRequest;
import org.learnchain.proto.p2p.ErrorResponse;
import org.learnchain.proto.p2p.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers manifest and chunk requests from the blob store. Manifests are computed once per blob
 * (one full read) and kept in a small LRU; blobs are immutable, so a cached manifest never goes
 * stale.
 */
final class BlobServer {
  private static final Logger LOG = LoggerFactory.getLogger(BlobServer.class);
  private static final int MANIFEST_CACHE = 32;

  private final BlobStore store;
  private final int chunkSize;
  private final int maxChunkBytes;
  private final Map<Hash, BlobManifest> manifests =
      new LinkedHashMap<>(MANIFEST_CACHE, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Hash, BlobManifest> eldest) {
          return size() > MANIFEST_CACHE;
        }
      };

  BlobServer(BlobStore store, int chunkSize, int maxChunkBytes) {
    this.store = store;
    this.chunkSize = chunkSize;
    this.maxChunkBytes = maxChunkBytes;
  }

  Response.Builder manifest(Hash hash) {
    Optional<BlobManifest> m;
    synchronized (manifests) {
      m = Optional.ofNullable(manifests.get(hash));
    }
    if (m.isEmpty()) {
      if (!store.contains(hash)) {
        return error(ErrorResponse.Code.NOT_FOUND, "no such blob");
      }
      try {
        m = BlobManifest.compute(store, hash, chunkSize);
      } catch (IOException e) {
        LOG.error("Blob store read failed blob={} reason={}", hash.toShortHex(), e.toString());
        return error(ErrorResponse.Code.INTERNAL, "store read failed");
      }
      if (m.isEmpty()) {
        LOG.error(
            "Stored blob is shorter than its size, not serving it blob={}", hash.toShortHex());
        return error(ErrorResponse.Code.NOT_FOUND, "no such blob");
      }
      synchronized (manifests) {
        manifests.put(hash, m.get());
      }
    }
    return Response.newBuilder().setBlobManifest(m.get().toProto());
  }

  Response.Builder chunk(Hash hash, BlobChunkRequest req) {
    long offset = req.getOffset();
    long length = Integer.toUnsignedLong(req.getLength());
    if (length == 0 || length > maxChunkBytes || offset < 0) {
      return error(ErrorResponse.Code.BAD_REQUEST, "chunk length must be 1.." + maxChunkBytes);
    }
    OptionalLong size = store.size(hash);
    if (size.isEmpty()) {
      return error(ErrorResponse.Code.NOT_FOUND, "no such blob");
    }
    if (offset > size.getAsLong() - length) {
      return error(ErrorResponse.Code.BAD_REQUEST, "chunk beyond the end of the blob");
    }
    byte[] buf = new byte[(int) length];
    int n;
    try {
      n = store.read(hash, offset, buf, 0, buf.length);
    } catch (IOException e) {
      LOG.error("Blob store read failed blob={} reason={}", hash.toShortHex(), e.toString());
      return error(ErrorResponse.Code.INTERNAL, "store read failed");
    }
    if (n != buf.length) {
      return error(ErrorResponse.Code.NOT_FOUND, "no such blob");
    }
    // The buffer is fresh and never touched again, so protobuf may wrap it without a copy.
    return Response.newBuilder()
        .setBlobChunk(
            BlobChunk.newBuilder().setOffset(offset).setData(UnsafeByteOperations.unsafeWrap(buf)));
  }

  static Response.Builder error(ErrorResponse.Code code, String message) {
    return Response.newBuilder()
        .setError(ErrorResponse.newBuilder().setCode(code).setMessage(message));
  }
}
