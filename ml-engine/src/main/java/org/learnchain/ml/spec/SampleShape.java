package org.learnchain.ml.spec;

import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;
import org.learnchain.crypto.codec.MalformedEncodingException;

/**
 * The shape of one input sample. Whatever the shape, a sample travels as a flat vector of {@link
 * #size()} floats; an image is laid out channel-major (channel, then row, then column), which is
 * how DL4J's {@code convolutionalFlat} input type reads a flat row.
 */
public sealed interface SampleShape permits SampleShape.Vector, SampleShape.Image {

  /** Largest number of features one sample may have (keeps every size computation in an int). */
  int MAX_FEATURES = 1 << 22;

  /** Number of floats in one sample. */
  int size();

  /**
   * Writes the canonical encoding: {@code u8 1, i32 features} for a vector, {@code u8 2, i32
   * channels, i32 height, i32 width} for an image.
   */
  static void write(CanonicalWriter w, SampleShape shape) {
    if (shape instanceof Image im) {
      w.u8(2).i32(im.channels()).i32(im.height()).i32(im.width());
    } else {
      w.u8(1).i32(((Vector) shape).features());
    }
  }

  /**
   * Reads what {@link #write} wrote.
   *
   * @throws MalformedEncodingException on framing errors
   * @throws IllegalArgumentException on out-of-range dimensions
   */
  static SampleShape read(CanonicalReader r) {
    return switch (r.u8()) {
      case 1 -> new Vector(r.i32());
      case 2 -> new Image(r.i32(), r.i32(), r.i32());
      default -> throw new MalformedEncodingException("unknown input kind");
    };
  }

  /** A feature vector of {@code features} values. */
  record Vector(int features) implements SampleShape {
    public Vector {
      if (features < 1 || features > MAX_FEATURES) {
        throw new IllegalArgumentException(
            "feature count must be in [1, " + MAX_FEATURES + "], got " + features);
      }
    }

    @Override
    public int size() {
      return features;
    }

    @Override
    public String toString() {
      return "vector(" + features + ")";
    }
  }

  /** An image of {@code channels} planes of {@code height} by {@code width} values. */
  record Image(int channels, int height, int width) implements SampleShape {
    public Image {
      if (channels < 1 || height < 1 || width < 1) {
        throw new IllegalArgumentException(
            "image dimensions must be positive, got " + channels + "x" + height + "x" + width);
      }
      if ((long) channels * height * width > MAX_FEATURES) {
        throw new IllegalArgumentException(
            "image "
                + channels
                + "x"
                + height
                + "x"
                + width
                + " has more than "
                + MAX_FEATURES
                + " values");
      }
    }

    @Override
    public int size() {
      return channels * height * width;
    }

    @Override
    public String toString() {
      return "image(" + channels + "x" + height + "x" + width + ")";
    }
  }
}
