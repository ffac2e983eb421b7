package org.learnchain.ml.model;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.ml.Result;

/**
 * Canonical model bytes and the model hash (docs/protocol.md section 5). A model on chain is DL4J's
 * ModelSerializer output (configuration and parameters, no updater state) re-zipped in the
 * canonical form of {@link ModelArchive}; its SHA-256 is the model hash. Verification hashes the
 * bytes as published and never re-serializes.
 */
public final class ModelCodec {
  private ModelCodec() {}

  /** The canonical bytes of a network (its configuration and current parameters). */
  public static byte[] serialize(MultiLayerNetwork net) {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    try {
      ModelSerializer.writeModel(net, raw, false);
    } catch (IOException e) {
      throw new UncheckedIOException("writing a model to memory failed", e);
    }
    return canonicalize(
            raw.toByteArray(), org.learnchain.ml.spec.ProblemLimits.ABSOLUTE_MAX_MODEL_BYTES)
        .value();
  }

  /**
   * Re-zips a model file (for example raw ModelSerializer output) into canonical form.
   *
   * @param maxCoefficientBytes most bytes the parameters entry may inflate to
   */
  public static Result<byte[]> canonicalize(byte[] zip, long maxCoefficientBytes) {
    return ModelArchive.read(zip, maxCoefficientBytes).map(ModelArchive::toCanonicalBytes);
  }

  /** The model hash: SHA-256 of the bytes exactly as given. */
  public static Hash hash(byte[] modelBytes) {
    return Hashing.sha256(modelBytes);
  }

  /** Whether {@code bytes} are already in canonical form (a cheap re-encoding comparison). */
  public static boolean isCanonical(byte[] bytes, ModelArchive parsed) {
    return java.util.Arrays.equals(bytes, parsed.toCanonicalBytes());
  }
}
