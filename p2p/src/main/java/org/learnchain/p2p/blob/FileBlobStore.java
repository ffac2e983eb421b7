package org.learnchain.p2p.blob;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.stream.Stream;
import org.learnchain.crypto.Hash;

/**
 * Blobs as files named by their hex hash under a directory. A blob being written lives in {@code
 * partial/} and is moved into place atomically on commit, so a crash leaves either nothing or a
 * complete, verified file; leftovers in {@code partial/} are deleted when the store opens.
 */
public final class FileBlobStore implements BlobStore {
  private final Path dir;
  private final Path partial;

  public FileBlobStore(Path dir) throws IOException {
    this.dir = dir;
    this.partial = dir.resolve("partial");
    Files.createDirectories(partial);
    try (Stream<Path> leftovers = Files.list(partial)) {
      for (Path p : (Iterable<Path>) leftovers::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  private Path path(Hash hash) {
    return dir.resolve(hash.toHex());
  }

  @Override
  public boolean contains(Hash hash) {
    return Files.isRegularFile(path(hash));
  }

  @Override
  public OptionalLong size(Hash hash) {
    try {
      return OptionalLong.of(Files.size(path(hash)));
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }

  @Override
  public int read(Hash hash, long offset, byte[] dst, int dstOffset, int length)
      throws IOException {
    FileChannel ch;
    try {
      ch = FileChannel.open(path(hash), StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return -1;
    }
    try (ch) {
      ByteBuffer buf = ByteBuffer.wrap(dst, dstOffset, length);
      long pos = offset;
      while (buf.hasRemaining()) {
        int n = ch.read(buf, pos);
        if (n < 0) {
          break;
        }
        pos += n;
      }
      return (int) (pos - offset);
    }
  }

  @Override
  public BlobWriter create(Hash hash, long size) throws IOException {
    Path tmp = partial.resolve(hash.toHex() + "-" + UUID.randomUUID() + ".part");
    FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    return new BlobWriter() {
      private boolean committed;
      private boolean closed;

      @Override
      public void write(long offset, byte[] src, int srcOffset, int length) throws IOException {
        if (offset < 0 || offset + length > size) {
          throw new IOException("write [" + offset + ", +" + length + ") outside " + size);
        }
        ByteBuffer buf = ByteBuffer.wrap(src, srcOffset, length);
        long pos = offset;
        while (buf.hasRemaining()) {
          pos += ch.write(buf, pos);
        }
      }

      @Override
      public void commit() throws IOException {
        if (ch.size() != size) {
          throw new IOException("blob has " + ch.size() + " bytes, expected " + size);
        }
        ch.force(true);
        ch.close();
        try {
          Files.move(tmp, path(hash), StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, path(hash), StandardCopyOption.REPLACE_EXISTING);
        }
        committed = true;
      }

      @Override
      public void close() throws IOException {
        if (closed) {
          return;
        }
        closed = true;
        ch.close();
        if (!committed) {
          Files.deleteIfExists(tmp);
        }
      }
    };
  }
}
