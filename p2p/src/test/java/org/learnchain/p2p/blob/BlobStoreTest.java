package org.learnchain.p2p.blob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.p2p.TestSupport;

class BlobStoreTest {
  @TempDir Path dir;

  private BlobStore store(String kind) throws IOException {
    return kind.equals("file") ? new FileBlobStore(dir) : new InMemoryBlobStore();
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "file"})
  void storesReadsAndVerifiesByContentHash(String kind) throws IOException {
    BlobStore s = store(kind);
    byte[] content = TestSupport.randomBytes(1, 300_000);
    Hash h = s.put(content);
    assertEquals(Hashing.sha256(content), h);
    assertTrue(s.contains(h));
    assertEquals(OptionalLong.of(content.length), s.size(h));
    byte[] mid = new byte[1000];
    assertEquals(1000, s.read(h, 5000, mid, 0, 1000));
    assertArrayEquals(java.util.Arrays.copyOfRange(content, 5000, 6000), mid);
    byte[] tail = new byte[1000];
    assertEquals(500, s.read(h, content.length - 500, tail, 0, 1000), "short read at the end");
    assertTrue(s.verify(h));
    Hash absent = Hashing.sha256(new byte[] {1});
    assertFalse(s.contains(absent));
    assertEquals(-1, s.read(absent, 0, mid, 0, 10));
    assertFalse(s.verify(absent));
    assertEquals(h, s.put(content), "idempotent");
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "file"})
  void nothingIsVisibleBeforeCommitAndAnAbandonedWriterLeavesNothing(String kind)
      throws IOException {
    BlobStore s = store(kind);
    byte[] content = TestSupport.randomBytes(2, 10_000);
    Hash h = Hashing.sha256(content);
    try (BlobStore.BlobWriter w = s.create(h, content.length)) {
      w.write(5000, content, 5000, 5000);
      w.write(0, content, 0, 5000);
      assertFalse(s.contains(h));
      assertThrows(IOException.class, () -> w.write(9000, content, 0, 5000), "beyond the size");
    }
    assertFalse(s.contains(h));
    try (BlobStore.BlobWriter w = s.create(h, content.length)) {
      w.write(0, content, 0, content.length);
      w.commit();
    }
    assertTrue(s.verify(h));
  }

  @Test
  void fileStoreDiscardsPartialBlobsLeftByACrash() throws IOException {
    FileBlobStore s = new FileBlobStore(dir);
    byte[] content = TestSupport.randomBytes(3, 1000);
    BlobStore.BlobWriter crashed = s.create(Hashing.sha256(content), content.length);
    crashed.write(0, content, 0, 500);
    try (var files = Files.list(dir.resolve("partial"))) {
      assertEquals(1, files.count());
    }
    FileBlobStore reopened = new FileBlobStore(dir);
    try (var files = Files.list(dir.resolve("partial"))) {
      assertEquals(0, files.count());
    }
    assertFalse(reopened.contains(Hashing.sha256(content)));
    crashed.close();
  }
}
