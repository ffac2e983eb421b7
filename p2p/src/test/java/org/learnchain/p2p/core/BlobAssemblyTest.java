package org.learnchain.p2p.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PublicKey;
import org.learnchain.p2p.TestSupport;
import org.learnchain.p2p.blob.InMemoryBlobStore;

/**
 * In-order assembly of a blob from chunks offered in any order by several peers, against a real
 * in-memory store: each chunk verified once against its prefix hash, held chunks given back to the
 * frame pool when their turn comes, a false chunk refused without disturbing the digest.
 */
class BlobAssemblyTest {
  private static final int CHUNK = 4096;
  private static final PublicKey P = TestSupport.key("member-0").publicKey();
  private static final PublicKey Q = TestSupport.key("member-1").publicKey();

  private final List<String> verdicts = new ArrayList<>();
  private final BlobAssembly.Verdicts record =
      new BlobAssembly.Verdicts() {
        @Override
        public void accepted(int index, PublicKey peer) {
          verdicts.add("ok " + index + (peer.equals(P) ? " p" : " q"));
        }

        @Override
        public void refused(int index, PublicKey peer) {
          verdicts.add("bad " + index + (peer.equals(P) ? " p" : " q"));
        }

        @Override
        public void storeFailed(IOException e) {
          verdicts.add("store " + e.getMessage());
        }
      };

  private static BlobManifest manifestOf(byte[] content) throws IOException {
    InMemoryBlobStore source = new InMemoryBlobStore();
    Hash h = source.put(content);
    return BlobManifest.compute(source, h, CHUNK).orElseThrow();
  }

  /** Chunk {@code i} of {@code content} in a pooled array, as a decoded frame would hold it. */
  private static ByteSlice chunk(ByteArrayPool pool, byte[] content, BlobManifest m, int i) {
    byte[] a = pool.take(CHUNK);
    System.arraycopy(content, (int) m.offset(i), a, 0, m.length(i));
    return new ByteSlice(a, 0, m.length(i));
  }

  @Test
  void chunksInAnyOrderFromTwoPeersMakeTheBlobAndAFalseOneIsRefused() throws IOException {
    byte[] content = TestSupport.randomBytes(11, 4 * CHUNK + 100);
    BlobManifest m = manifestOf(content);
    InMemoryBlobStore store = new InMemoryBlobStore();
    ByteArrayPool pool = new ByteArrayPool(CHUNK, 16);
    BlobAssembly a = new BlobAssembly(m);
    a.open(store);

    ByteSlice c2 = chunk(pool, content, m, 2);
    assertTrue(a.offer(2, c2, FrameLease.of(pool, c2.array()), Q, record), "ahead: held");
    ByteSlice c1 = chunk(pool, content, m, 1);
    c1.array()[7] ^= 1; // q's chunk 1 is false, and arrives ahead of its turn too
    assertTrue(a.offer(1, c1, FrameLease.of(pool, c1.array()), Q, record));
    assertEquals(0, pool.retained());
    ByteSlice c0 = chunk(pool, content, m, 0);
    assertFalse(a.offer(0, c0, FrameLease.of(pool, c0.array()), P, record));
    // 0 taken; 1 refused on its turn, which stops the run: 2 waits for a true 1.
    assertEquals(List.of("ok 0 p", "bad 1 q"), verdicts);
    assertEquals(1, pool.retained(), "the refused chunk's frame went back to the pool");
    assertEquals(1, a.nextToVerify());

    ByteSlice again = chunk(pool, content, m, 1);
    assertFalse(a.offer(1, again, FrameLease.none(), P, record));
    ByteSlice c4 = chunk(pool, content, m, 4);
    assertTrue(a.offer(4, c4, FrameLease.none(), P, record), "ahead of 3: held");
    ByteSlice c3 = chunk(pool, content, m, 3);
    assertFalse(a.offer(3, c3, FrameLease.none(), P, record));
    // A chunk already taken is dropped without a verdict.
    assertFalse(a.offer(0, chunk(pool, content, m, 0), FrameLease.none(), Q, record));
    assertEquals(List.of("ok 0 p", "bad 1 q", "ok 1 p", "ok 2 q", "ok 3 p", "ok 4 p"), verdicts);
    assertTrue(a.complete());
    assertEquals(m.contentHash(), a.digest());
    assertFalse(store.contains(m.contentHash()), "nothing visible before the commit");
    a.commit();
    byte[] back = new byte[content.length];
    assertEquals(content.length, store.read(m.contentHash(), 0, back, 0, back.length));
    assertArrayEquals(content, back);
  }

  @Test
  void discardingGivesBackHeldFramesAndLeavesNothingInTheStore() throws IOException {
    byte[] content = TestSupport.randomBytes(12, 3 * CHUNK);
    BlobManifest m = manifestOf(content);
    InMemoryBlobStore store = new InMemoryBlobStore();
    ByteArrayPool pool = new ByteArrayPool(CHUNK, 16);
    BlobAssembly a = new BlobAssembly(m);
    a.open(store);
    ByteSlice c2 = chunk(pool, content, m, 2);
    assertTrue(a.offer(2, c2, FrameLease.of(pool, c2.array()), P, record));
    a.discard();
    assertEquals(1, pool.retained());
    assertFalse(store.contains(m.contentHash()));
    assertTrue(verdicts.isEmpty());
  }
}
