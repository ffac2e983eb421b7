package org.learnchain.ml.spec;

import java.util.Locale;
import java.util.Optional;

/**
 * Layer types a problem may allow. Each maps to exactly one DL4J configuration class; subclasses
 * (deconvolution, 1D/3D convolution and the like) are different types and are not accepted. The
 * names are those genesis uses in its model limits.
 */
public enum LayerType {
  /** Fully connected hidden layer ({@code DenseLayer}). */
  DENSE(1, "dense"),
  /** Fully connected output layer with a loss ({@code OutputLayer}); every model ends with one. */
  OUTPUT(2, "output"),
  /** 2D convolution ({@code ConvolutionLayer}). */
  CONVOLUTION(3, "convolution"),
  /** 2D max or average pooling ({@code SubsamplingLayer}). */
  SUBSAMPLING(4, "subsampling");

  private final int code;
  private final String id;

  LayerType(int code, String id) {
    this.code = code;
    this.id = id;
  }

  /** Frozen wire code; never renumber. */
  public int code() {
    return code;
  }

  /** The lower-case name used in genesis and on the command line. */
  public String id() {
    return id;
  }

  public static Optional<LayerType> fromId(String id) {
    String want = id.trim().toLowerCase(Locale.ROOT);
    for (LayerType t : values()) {
      if (t.id.equals(want)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  static LayerType fromCode(int code) {
    for (LayerType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown layer type code " + code);
  }
}
