package org.learnchain.ml.spec;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a submitted model may cost. The limits keep verification cheap: every node re-runs the
 * winning model on the test inputs, and a block carries the model bytes.
 *
 * @param maxParameters most trainable parameters (weights and biases)
 * @param maxMultiplyAdds most multiply-adds to infer one sample, computed from the configuration
 *     (pooling counts one operation per window element)
 * @param allowedLayers layer types a model may use; always includes {@link LayerType#OUTPUT}
 * @param maxModelBytes largest canonical model file
 */
public record ProblemLimits(
    long maxParameters, long maxMultiplyAdds, Set<LayerType> allowedLayers, long maxModelBytes) {

  /**
   * Hard ceiling on model files whatever a problem says: the model decoder ceiling of the chain
   * spec (docs/chain-spec.md), which ml-engine, sitting below config, repeats; a node refuses to
   * start on a chain spec above it.
   */
  public static final long ABSOLUTE_MAX_MODEL_BYTES = 64L << 20;

  public ProblemLimits {
    if (maxParameters < 1) {
      throw new IllegalArgumentException("maxParameters must be positive, got " + maxParameters);
    }
    if (maxMultiplyAdds < 1) {
      throw new IllegalArgumentException(
          "maxMultiplyAdds must be positive, got " + maxMultiplyAdds);
    }
    if (maxModelBytes < 1 || maxModelBytes > ABSOLUTE_MAX_MODEL_BYTES) {
      throw new IllegalArgumentException(
          "maxModelBytes must be in [1, " + ABSOLUTE_MAX_MODEL_BYTES + "], got " + maxModelBytes);
    }
    if (!allowedLayers.contains(LayerType.OUTPUT)) {
      throw new IllegalArgumentException("allowed layers must include output");
    }
    allowedLayers = Set.copyOf(EnumSet.copyOf(allowedLayers));
  }

  /** Limits that allow every layer type. */
  public static ProblemLimits of(long maxParameters, long maxMultiplyAdds, long maxModelBytes) {
    return new ProblemLimits(
        maxParameters, maxMultiplyAdds, EnumSet.allOf(LayerType.class), maxModelBytes);
  }

  public boolean allows(LayerType type) {
    return allowedLayers.contains(type);
  }

  /**
   * Checks these limits against the chain's ceilings (genesis model limits): a problem may ask for
   * less, never more.
   *
   * @return the first violation, one line, or empty when the limits are within the ceilings
   */
  public Optional<String> exceeds(
      long ceilingParameters,
      long ceilingMultiplyAdds,
      long ceilingModelBytes,
      Collection<String> ceilingLayerIds) {
    if (maxParameters > ceilingParameters) {
      return Optional.of(
          "maxParameters " + maxParameters + " exceeds the chain limit " + ceilingParameters);
    }
    if (maxMultiplyAdds > ceilingMultiplyAdds) {
      return Optional.of(
          "maxMultiplyAdds " + maxMultiplyAdds + " exceeds the chain limit " + ceilingMultiplyAdds);
    }
    if (maxModelBytes > ceilingModelBytes) {
      return Optional.of(
          "maxModelBytes " + maxModelBytes + " exceeds the chain limit " + ceilingModelBytes);
    }
    Set<String> ceiling =
        ceilingLayerIds.stream()
            .map(s -> s.trim().toLowerCase(java.util.Locale.ROOT))
            .collect(Collectors.toSet());
    for (LayerType t : EnumSet.copyOf(allowedLayers)) {
      if (!ceiling.contains(t.id())) {
        return Optional.of("layer type " + t.id() + " is not allowed by the chain");
      }
    }
    return Optional.empty();
  }
}
