package org.learnchain.node.adapter;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.message.Codec;
import org.learnchain.consensus.port.ProblemSecrets;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;
import org.learnchain.crypto.codec.MalformedEncodingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The salts and test sets of the problems this node submitted, one file per problem under the
 * node's data directory ({@code secrets/<problem id>.secret}, owner-only). A secret is written and
 * synced before its SubmitProblem transaction leaves the node, so a restarted node can still reveal
 * what it committed to; losing it would waste every miner's work on the problem.
 */
public final class FileProblemSecrets implements ProblemSecrets {
  private static final Logger LOG = LoggerFactory.getLogger(FileProblemSecrets.class);
  private static final int VERSION = 1;

  private final Path dir;
  private final Map<Hash, Secret> cache = new ConcurrentHashMap<>();

  public FileProblemSecrets(Path dir) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir);
  }

  @Override
  public Optional<Secret> find(Hash problemId) {
    Secret cached = cache.get(problemId);
    if (cached != null) {
      return Optional.of(cached);
    }
    Path file = file(problemId);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      LOG.error(
          "Problem secret unreadable problem={} error={}", problemId.toShortHex(), e.toString());
      return Optional.empty();
    }
    try {
      CanonicalReader r = new CanonicalReader(bytes);
      if (r.u8() != VERSION) {
        throw new MalformedEncodingException("unknown version");
      }
      Secret s =
          new Secret(
              Bytes.own(r.bytes(Codec.MAX_SALT_BYTES)),
              Bytes.own(r.bytes(Codec.MAX_TEST_BYTES)),
              Bytes.own(r.bytes(Codec.MAX_TEST_BYTES)));
      r.end();
      cache.put(problemId, s);
      return Optional.of(s);
    } catch (MalformedEncodingException e) {
      LOG.error("Problem secret damaged problem={} file={}", problemId.toShortHex(), file);
      return Optional.empty();
    }
  }

  /** Stores the secret of {@code problemId} durably (synced, then renamed into place). */
  public void put(Hash problemId, Secret secret) throws IOException {
    byte[] salt = secret.salt().toArray();
    byte[] inputs = secret.testInputs().toArray();
    byte[] labels = secret.testLabels().toArray();
    byte[] bytes =
        new CanonicalWriter(32 + salt.length + inputs.length + labels.length)
            .u8(VERSION)
            .bytes(salt)
            .bytes(inputs)
            .bytes(labels)
            .toByteArray();
    Path target = file(problemId);
    Path tmp = dir.resolve(problemId.toHex() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(
        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
    cache.put(problemId, secret);
  }

  /** Forgets a secret whose transaction the pool refused (it never left the node). */
  public void delete(Hash problemId) throws IOException {
    cache.remove(problemId);
    Files.deleteIfExists(file(problemId));
  }

  private Path file(Hash problemId) {
    return dir.resolve(problemId.toHex() + ".secret");
  }
}
