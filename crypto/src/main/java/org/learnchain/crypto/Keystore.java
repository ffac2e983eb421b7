package org.learnchain.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * Encrypted key file, format version 1 (all integers unsigned bytes):
 *
 * <pre>
 * magic "LCKEY" | version=1 | kdf=1 (scrypt) | log2(N) | r | p | salt[16]
 *   | cipher=1 (AES-256-GCM) | nonce[12] | publicKey[32] | ciphertext(seed[32]) + tag[16]
 * </pre>
 *
 * The key comes from scrypt (memory-hard) over the password; everything before the ciphertext is
 * the AEAD's associated data, so a changed parameter, salt or public key fails authentication
 * exactly like a wrong password. The decrypted seed must also yield the stored public key. Files
 * are written with mode 600 through a temporary file and an atomic rename, so a crash never leaves
 * half a key.
 */
public final class Keystore {
  private static final byte[] MAGIC = "LCKEY".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;
  private static final int KDF_SCRYPT = 1;
  private static final int CIPHER_AES_256_GCM = 1;
  private static final int SALT_LENGTH = 16;
  private static final int NONCE_LENGTH = 12;
  private static final int TAG_LENGTH = 16;
  private static final int HEADER_LENGTH =
      MAGIC.length + 1 + 1 + 3 + SALT_LENGTH + 1 + NONCE_LENGTH + PublicKey.LENGTH;
  private static final int FILE_LENGTH = HEADER_LENGTH + PrivateKey.LENGTH + TAG_LENGTH;

  /** scrypt N=2^15, r=8, p=1: 32 MiB and about 0.1 s per unlock on this project's machines. */
  public static final int DEFAULT_LOG_N = 15;

  /** Largest log2(N) this class writes (and reads). */
  private static final int MAX_LOG_N = 20;

  /**
   * Most scrypt work a file may ask for, as 128·r·N·p bytes: that of the strongest file this class
   * writes (N=2^20, r=8, p=1, 1 GiB). scrypt's memory grows with r·N and its time with r·N·p, so a
   * bound on log2(N) alone let a crafted file with r=32 make a node allocate 4 GiB before the
   * password was even checked.
   */
  private static final long MAX_SCRYPT_COST = 128L * 8 * (1L << MAX_LOG_N);

  private final int logN;
  private final SecureRandom random;

  public Keystore() {
    this(DEFAULT_LOG_N, new SecureRandom());
  }

  /** A keystore writer with a custom work factor (tests use a small one). */
  public Keystore(int logN, SecureRandom random) {
    if (logN < 10 || logN > MAX_LOG_N) {
      throw new IllegalArgumentException("scrypt log2(N) must be in 10..20, got " + logN);
    }
    this.logN = logN;
    this.random = random;
  }

  /** Encrypts {@code key} under {@code password}; the result is the whole file content. */
  public byte[] encrypt(PrivateKey key, char[] password) {
    ByteBuffer buf = ByteBuffer.allocate(FILE_LENGTH);
    byte[] salt = new byte[SALT_LENGTH];
    byte[] nonce = new byte[NONCE_LENGTH];
    random.nextBytes(salt);
    random.nextBytes(nonce);
    buf.put(MAGIC).put((byte) VERSION).put((byte) KDF_SCRYPT);
    buf.put((byte) logN).put((byte) 8).put((byte) 1).put(salt);
    buf.put((byte) CIPHER_AES_256_GCM).put(nonce).put(key.publicKey().raw());
    byte[] header = Arrays.copyOf(buf.array(), HEADER_LENGTH);
    byte[] aesKey = deriveKey(password, salt, logN, 8, 1);
    byte[] seed = key.exportSeed();
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE,
          new SecretKeySpec(aesKey, "AES"),
          new GCMParameterSpec(TAG_LENGTH * 8, nonce));
      cipher.updateAAD(header);
      buf.put(cipher.doFinal(seed));
      return buf.array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is required by every Java platform", e);
    } finally {
      Arrays.fill(aesKey, (byte) 0);
      Arrays.fill(seed, (byte) 0);
    }
  }

  /**
   * Decrypts a keystore file's content. {@code source} names the file in error messages.
   *
   * @throws KeystoreException with a one-line reason: not a keystore, truncated, unsupported
   *     version or parameters, or a wrong password / tampered file (indistinguishable by design).
   */
  public static PrivateKey decrypt(byte[] file, char[] password, String source)
      throws KeystoreException {
    if (file.length < MAGIC.length
        || !Arrays.equals(file, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new KeystoreException(source + ": not a learnchain keystore (bad magic)");
    }
    if (file.length < MAGIC.length + 1) {
      throw new KeystoreException(source + ": keystore is truncated (" + file.length + " bytes)");
    }
    int version = file[MAGIC.length] & 0xff;
    if (version != VERSION) {
      throw new KeystoreException(source + ": unsupported keystore version " + version);
    }
    if (file.length != FILE_LENGTH) {
      throw new KeystoreException(
          source
              + ": keystore is "
              + (file.length < FILE_LENGTH ? "truncated" : "too long")
              + " ("
              + file.length
              + " bytes, expected "
              + FILE_LENGTH
              + ")");
    }
    ByteBuffer buf = ByteBuffer.wrap(file, MAGIC.length + 1, file.length - MAGIC.length - 1);
    int kdf = buf.get() & 0xff;
    int fileLogN = buf.get() & 0xff;
    int r = buf.get() & 0xff;
    int p = buf.get() & 0xff;
    if (kdf != KDF_SCRYPT) {
      throw new KeystoreException(source + ": unsupported key derivation function " + kdf);
    }
    if (fileLogN < 10
        || fileLogN > MAX_LOG_N
        || r < 1
        || r > 32
        || p < 1
        || p > 4
        || 128L * r * p << fileLogN > MAX_SCRYPT_COST) {
      throw new KeystoreException(
          source
              + ": scrypt parameters out of range (log2 N="
              + fileLogN
              + ", r="
              + r
              + ", p="
              + p
              + ")");
    }
    byte[] salt = new byte[SALT_LENGTH];
    buf.get(salt);
    int cipherId = buf.get() & 0xff;
    if (cipherId != CIPHER_AES_256_GCM) {
      throw new KeystoreException(source + ": unsupported cipher " + cipherId);
    }
    byte[] nonce = new byte[NONCE_LENGTH];
    buf.get(nonce);
    byte[] storedPublic = new byte[PublicKey.LENGTH];
    buf.get(storedPublic);
    byte[] aesKey = deriveKey(password, salt, fileLogN, r, p);
    byte[] seed = null;
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(aesKey, "AES"),
          new GCMParameterSpec(TAG_LENGTH * 8, nonce));
      cipher.updateAAD(file, 0, HEADER_LENGTH);
      seed = cipher.doFinal(file, HEADER_LENGTH, file.length - HEADER_LENGTH);
      PrivateKey key = PrivateKey.fromSeed(seed);
      if (!key.publicKey().equals(PublicKey.wrap(storedPublic))) {
        key.destroy();
        throw new KeystoreException(
            source + ": keystore public key does not match its private key");
      }
      return key;
    } catch (AEADBadTagException e) {
      throw new KeystoreException(source + ": wrong password or tampered keystore file");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is required by every Java platform", e);
    } finally {
      Arrays.fill(aesKey, (byte) 0);
      if (seed != null) {
        Arrays.fill(seed, (byte) 0);
      }
    }
  }

  /** The public key a keystore file claims, read without the password (for listing and checks). */
  public static PublicKey peekPublicKey(byte[] file, String source) throws KeystoreException {
    if (file.length != FILE_LENGTH
        || !Arrays.equals(file, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new KeystoreException(source + ": not a version 1 learnchain keystore");
    }
    return PublicKey.wrap(
        Arrays.copyOfRange(file, HEADER_LENGTH - PublicKey.LENGTH, HEADER_LENGTH));
  }

  /**
   * Writes {@code key} to {@code path} (mode 600), refusing to overwrite an existing file so that a
   * key is never destroyed by a repeated command.
   */
  public void write(Path path, PrivateKey key, char[] password) throws KeystoreException {
    byte[] content = encrypt(key, password);
    Path parent = path.toAbsolutePath().getParent();
    try {
      Files.createDirectories(parent);
      if (Files.exists(path)) {
        throw new KeystoreException(path + ": file exists; refusing to overwrite a key");
      }
      Path tmp =
          Files.createTempFile(
              parent,
              ".keystore",
              ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try {
        Files.write(tmp, content);
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (FileAlreadyExistsException e) {
      throw new KeystoreException(path + ": file exists; refusing to overwrite a key");
    } catch (AccessDeniedException e) {
      throw new KeystoreException(path + ": permission denied");
    } catch (IOException e) {
      throw new KeystoreException(path + ": cannot write keystore (" + e.getMessage() + ")", e);
    }
  }

  /** Reads and decrypts the keystore at {@code path}. */
  public static PrivateKey read(Path path, char[] password) throws KeystoreException {
    byte[] content;
    try {
      content = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new KeystoreException(path + ": no such keystore file");
    } catch (AccessDeniedException e) {
      throw new KeystoreException(path + ": permission denied");
    } catch (IOException e) {
      throw new KeystoreException(path + ": cannot read keystore (" + e.getMessage() + ")", e);
    }
    return decrypt(content, password, path.toString());
  }

  private static byte[] deriveKey(char[] password, byte[] salt, int logN, int r, int p) {
    ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
    byte[] pw = new byte[encoded.remaining()];
    encoded.get(pw);
    try {
      return SCrypt.generate(pw, salt, 1 << logN, r, p, 32);
    } finally {
      Arrays.fill(pw, (byte) 0);
      if (encoded.hasArray()) {
        Arrays.fill(encoded.array(), (byte) 0);
      }
    }
  }
}
