package org.learnchain.ml.model;

import java.util.Objects;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.learnchain.crypto.Hash;
import org.learnchain.ml.spec.ProblemSpec;

/**
 * A model that passed every check of {@link ModelLoader} (or that this node trained itself), ready
 * for inference. Holds native memory through its network; DL4J networks are not thread-safe, so
 * callers use one model from one thread at a time.
 *
 * @param network the initialised network
 * @param spec the problem the model was checked against
 * @param architecture parameter count and inference cost from the configuration
 * @param hash SHA-256 of the canonical bytes
 * @param bytes size of the canonical bytes
 */
public record LoadedModel(
    MultiLayerNetwork network, ProblemSpec spec, Architecture architecture, Hash hash, int bytes) {
  public LoadedModel {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(hash, "hash");
  }
}
