package org.learnchain.config;

import java.util.Set;

/**
 * Chain-wide ceilings on what a problem may allow, so that verifying a block stays cheap and a
 * block is never a denial of service. A problem may ask for less, never more.
 *
 * @param maxParameters most trainable parameters a model may have
 * @param maxModelBytes largest canonical model file
 * @param maxInferenceFlops most multiply-adds per inference of one sample
 * @param allowedLayers layer type names a model may use (for example {@code dense}, {@code output},
 *     {@code convolution}, {@code subsampling})
 * @param maxTrainSetBytes largest training set a problem may reference
 * @param maxTestSamples most test samples a problem may have
 */
public record ModelLimits(
    long maxParameters,
    long maxModelBytes,
    long maxInferenceFlops,
    Set<String> allowedLayers,
    long maxTrainSetBytes,
    int maxTestSamples) {
  public ModelLimits {
    allowedLayers = Set.copyOf(allowedLayers);
  }

  /**
   * Starting values: one million parameters, 8 MiB models (a million 32-bit parameters take 4 MB; 8
   * MiB leaves a default block room for a full transaction section beside the model, see
   * docs/chain-spec.md), ten million multiply-adds per sample, dense/output/convolution/subsampling
   * layers, 256 MiB training sets (MNIST's IDX files are 47 MiB uncompressed), 10,000 test samples.
   */
  public static ModelLimits defaults() {
    return new ModelLimits(
        1_000_000,
        8L << 20,
        10_000_000,
        Set.of("dense", "output", "convolution", "subsampling"),
        256L << 20,
        10_000);
  }
}
