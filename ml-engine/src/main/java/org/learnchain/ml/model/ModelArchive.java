package org.learnchain.ml.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import org.learnchain.ml.Result;

/**
 * The two entries of a model file, DL4J's {@code configuration.json} and {@code coefficients.bin},
 * and their canonical zip container.
 *
 * <p>Canonical form: a zip holding exactly those two entries in name order ({@code
 * coefficients.bin} first), each STORED (uncompressed) with a fixed DOS timestamp (1980-01-01
 * 00:00), no extra fields, comments or data descriptors, followed by the central directory and the
 * end record. The layout is written here byte by byte rather than by {@link
 * java.util.zip.ZipOutputStream}, so the canonical bytes of a model do not depend on the JDK
 * version; raw ModelSerializer output differs from run to run only in its timestamps
 * (docs/platform-notes.md). Storing instead of deflating also keeps the bytes independent of the
 * zlib build, and parameters hardly compress anyway. A zip library (for example Commons Compress)
 * would bring the same dependence on its version for the bytes every node hashes, which is why this
 * small writer and its strict reader are kept.
 *
 * <p>{@link #read} accepts untrusted bytes: it counts entries, checks declared sizes before reading
 * and reads every entry through a counting limit, so a zip bomb costs at most the limits.
 */
public final class ModelArchive {
  public static final String CONFIGURATION = "configuration.json";
  public static final String COEFFICIENTS = "coefficients.bin";

  /** Largest configuration accepted; a real one is a few kilobytes per layer. */
  public static final int MAX_CONFIGURATION_BYTES = 1 << 20;

  /** Entries a model file may have: the configuration and the coefficients. */
  static final int MAX_ENTRIES = 2;

  private static final int DOS_TIME = 0;
  private static final int DOS_DATE = (1 << 5) | 1; // 1980-01-01

  private final byte[] configuration;
  private final byte[] coefficients;

  private ModelArchive(byte[] configuration, byte[] coefficients) {
    this.configuration = configuration;
    this.coefficients = coefficients;
  }

  static ModelArchive of(byte[] configuration, byte[] coefficients) {
    return new ModelArchive(configuration.clone(), coefficients.clone());
  }

  /** The configuration JSON as text (UTF-8; DL4J writes ASCII). */
  public String configurationJson() {
    return new String(configuration, StandardCharsets.UTF_8);
  }

  byte[] coefficients() {
    return coefficients;
  }

  int coefficientsLength() {
    return coefficients.length;
  }

  /** The canonical zip bytes of these two entries (see the class comment). */
  public byte[] toCanonicalBytes() {
    byte[][] names = {
      COEFFICIENTS.getBytes(StandardCharsets.US_ASCII),
      CONFIGURATION.getBytes(StandardCharsets.US_ASCII)
    };
    byte[][] data = {coefficients, configuration};
    int size = 22;
    for (int i = 0; i < 2; i++) {
      size += 30 + names[i].length + data[i].length + 46 + names[i].length;
    }
    ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    int[] offsets = new int[2];
    int[] crcs = new int[2];
    for (int i = 0; i < 2; i++) {
      CRC32 crc = new CRC32();
      crc.update(data[i]);
      crcs[i] = (int) crc.getValue();
      offsets[i] = out.position();
      out.putInt(0x04034b50) // local file header
          .putShort((short) 10) // version needed: 1.0, stored
          .putShort((short) 0) // flags
          .putShort((short) 0) // method: stored
          .putShort((short) DOS_TIME)
          .putShort((short) DOS_DATE)
          .putInt(crcs[i])
          .putInt(data[i].length)
          .putInt(data[i].length)
          .putShort((short) names[i].length)
          .putShort((short) 0)
          .put(names[i])
          .put(data[i]);
    }
    int centralStart = out.position();
    for (int i = 0; i < 2; i++) {
      out.putInt(0x02014b50) // central directory header
          .putShort((short) 10) // version made by
          .putShort((short) 10) // version needed
          .putShort((short) 0)
          .putShort((short) 0)
          .putShort((short) DOS_TIME)
          .putShort((short) DOS_DATE)
          .putInt(crcs[i])
          .putInt(data[i].length)
          .putInt(data[i].length)
          .putShort((short) names[i].length)
          .putShort((short) 0) // extra
          .putShort((short) 0) // comment
          .putShort((short) 0) // disk
          .putShort((short) 0) // internal attributes
          .putInt(0) // external attributes
          .putInt(offsets[i])
          .put(names[i]);
    }
    int centralSize = out.position() - centralStart;
    out.putInt(0x06054b50)
        .putShort((short) 0)
        .putShort((short) 0)
        .putShort((short) 2)
        .putShort((short) 2)
        .putInt(centralSize)
        .putInt(centralStart)
        .putShort((short) 0);
    return out.array();
  }

  /**
   * Reads the two entries from untrusted zip bytes, whatever the container's form (use {@link
   * #toCanonicalBytes()} to compare with the canonical form).
   *
   * @param maxCoefficientBytes most bytes the coefficients entry may inflate to
   */
  public static Result<ModelArchive> read(byte[] bytes, long maxCoefficientBytes) {
    byte[] configuration = null;
    byte[] coefficients = null;
    int entries = 0;
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
      ZipEntry entry;
      while ((entry = zip.getNextEntry()) != null) {
        if (++entries > MAX_ENTRIES) {
          return Result.err("model archive has more than " + MAX_ENTRIES + " entries");
        }
        String name = entry.getName();
        long cap;
        if (CONFIGURATION.equals(name)) {
          if (configuration != null) {
            return Result.err("model archive holds " + CONFIGURATION + " twice");
          }
          cap = MAX_CONFIGURATION_BYTES;
        } else if (COEFFICIENTS.equals(name)) {
          if (coefficients != null) {
            return Result.err("model archive holds " + COEFFICIENTS + " twice");
          }
          cap = maxCoefficientBytes;
        } else {
          return Result.err("model archive has an unexpected entry '" + printable(name) + "'");
        }
        // The declared size is a claim; reject it early when it is already too big, then read
        // through a counting limit in case it lies (or is absent, with a data descriptor).
        long declared = entry.getSize();
        if (declared > cap) {
          return Result.err(
              "model archive entry " + name + " declares " + declared + " bytes, limit " + cap);
        }
        byte[] content = readCapped(zip, cap);
        if (content == null) {
          return Result.err(
              "model archive entry " + name + " inflates past its limit of " + cap + " bytes");
        }
        if (declared >= 0 && declared != content.length) {
          return Result.err(
              "model archive entry "
                  + name
                  + " declares "
                  + declared
                  + " bytes but holds "
                  + content.length);
        }
        if (CONFIGURATION.equals(name)) {
          configuration = content;
        } else {
          coefficients = content;
        }
      }
    } catch (ZipException e) {
      return Result.err("model archive is not a valid zip: " + oneLine(e.getMessage()));
    } catch (IOException e) {
      return Result.err("model archive is unreadable: " + oneLine(e.getMessage()));
    } catch (IllegalArgumentException e) {
      // ZipInputStream raises this for entry names that are not valid in its charset.
      return Result.err("model archive has an invalid entry name");
    }
    if (configuration == null) {
      return Result.err("model archive has no " + CONFIGURATION);
    }
    if (coefficients == null) {
      return Result.err("model archive has no " + COEFFICIENTS);
    }
    return Result.ok(new ModelArchive(configuration, coefficients));
  }

  /** Reads the current entry to its end, or returns null as soon as it passes {@code cap}. */
  private static byte[] readCapped(InputStream in, long cap) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[1 << 16];
    long total = 0;
    int n;
    while ((n = in.read(buf, 0, buf.length)) > 0) {
      total += n;
      if (total > cap) {
        return null;
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  private static String printable(String s) {
    String cut = s.length() > 60 ? s.substring(0, 60) + "..." : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }

  private static String oneLine(String s) {
    return s == null ? "unknown error" : printable(s);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelArchive a
        && Arrays.equals(configuration, a.configuration)
        && Arrays.equals(coefficients, a.coefficients);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(configuration) + Arrays.hashCode(coefficients);
  }
}
