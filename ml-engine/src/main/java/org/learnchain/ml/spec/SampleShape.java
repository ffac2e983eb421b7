package org.learnchain.ml.spec;

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
