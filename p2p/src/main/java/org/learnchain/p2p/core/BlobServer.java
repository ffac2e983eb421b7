package org.learnchain.p2p.core;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.learnchain.crypto.Hash;
import org.learnchain.p2p.blob.BlobStore;
import org.learnchain.proto.p2p.BlobChunkRequest;
import org.learnchain.proto.p2p.Envelope;
import org.learnchain.proto.p2p.ErrorResponse;
import org.learnchain.proto.p2p.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers manifest and chunk requests from the blob store. Manifests are computed once per blob
 * (one full read and one hashing pass, which also checks the stored bytes against their name) and
 * kept in a small LRU; blobs are immutable, so a cached manifest never goes stale, and serving a
 * chunk hashes nothing.
 */
final class BlobServer {
  private static final Logger LOG = LoggerFactory.getLogger(BlobServer.class);
  private static final int MANIFEST_CACHE = 32;

  private final BlobStore store;
  private final ByteArrayPool pool;
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

  BlobServer(BlobStore store, int chunkSize, int maxChunkBytes, ByteArrayPool pool) {
    this.store = store;
    this.pool = pool;
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
            "Stored blob is shorter than its size or does not hash to its name, not serving it"
                + " blob={}",
            hash.toShortHex());
        return error(ErrorResponse.Code.NOT_FOUND, "no such blob");
      }
      synchronized (manifests) {
        manifests.put(hash, m.get());
      }
    }
    return Response.newBuilder().setBlobManifest(m.get().toProto());
  }

  /**
   * An encoded response Envelope, {@code bytes[0, length)}, ready to send, and whether it carries
   * the chunk; {@code pooled} when the array came from the frame pool.
   */
  record EncodedReply(byte[] bytes, int length, boolean ok, boolean pooled) {}

  /**
   * Answers a chunk request with an encoded Envelope. The chunk is read from the store straight
   * into its place behind the protobuf header, so the answer costs one array and one read: no
   * separate chunk buffer, no copy into the encoder's output.
   */
  EncodedReply chunk(long requestId, Hash hash, BlobChunkRequest req) {
    long offset = req.getOffset();
    long length = Integer.toUnsignedLong(req.getLength());
    if (length == 0 || length > maxChunkBytes || offset < 0) {
      return errorReply(
          requestId, ErrorResponse.Code.BAD_REQUEST, "chunk length must be 1.." + maxChunkBytes);
    }
    OptionalLong size = store.size(hash);
    if (size.isEmpty()) {
      return errorReply(requestId, ErrorResponse.Code.NOT_FOUND, "no such blob");
    }
    if (offset > size.getAsLong() - length) {
      return errorReply(
          requestId, ErrorResponse.Code.BAD_REQUEST, "chunk beyond the end of the blob");
    }
    ChunkEnvelope frame = ChunkEnvelope.encode(pool, requestId, offset, (int) length);
    int n;
    try {
      n = store.read(hash, offset, frame.bytes(), frame.dataOffset(), (int) length);
    } catch (IOException e) {
      pool.give(frame.bytes());
      LOG.error("Blob store read failed blob={} reason={}", hash.toShortHex(), e.toString());
      return errorReply(requestId, ErrorResponse.Code.INTERNAL, "store read failed");
    }
    if (n != length) {
      pool.give(frame.bytes());
      return errorReply(requestId, ErrorResponse.Code.NOT_FOUND, "no such blob");
    }
    return new EncodedReply(frame.bytes(), frame.length(), true, true);
  }

  private static EncodedReply errorReply(long requestId, ErrorResponse.Code code, String message) {
    Envelope e = Envelope.newBuilder().setResponse(error(code, message).setId(requestId)).build();
    byte[] bytes = e.toByteArray();
    return new EncodedReply(bytes, bytes.length, false, false);
  }

  static Response.Builder error(ErrorResponse.Code code, String message) {
    return Response.newBuilder()
        .setError(ErrorResponse.newBuilder().setCode(code).setMessage(message));
  }
}
