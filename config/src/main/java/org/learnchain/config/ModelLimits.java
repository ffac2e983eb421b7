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
}
