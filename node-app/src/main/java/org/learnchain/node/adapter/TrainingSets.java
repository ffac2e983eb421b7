package org.learnchain.node.adapter;

import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;
import org.learnchain.crypto.codec.MalformedEncodingException;
import org.learnchain.ml.Result;
import org.learnchain.ml.data.Dataset;
import org.learnchain.ml.data.Inputs;
import org.learnchain.ml.data.Labels;

/**
 * The training-set blob a problem's {@code trainSetHash} names: the canonical encodings of the
 * samples and their labels (ml-engine's {@link Inputs#encode()} and {@link Labels#encode()}), each
 * length-prefixed, after a version byte. One dataset has exactly one encoding, so every miner that
 * fetches the blob by hash trains on the same data.
 *
 * <p>Encoding, version 1: {@code u8 1 | bytes inputs | bytes labels} ({@link CanonicalWriter}
 * length-prefixed byte strings).
 */
public final class TrainingSets {
  static final int VERSION = 1;

  private TrainingSets() {}

  /** The blob of {@code dataset}. */
  public static byte[] encode(Dataset dataset) {
    byte[] inputs = dataset.inputs().encode();
    byte[] labels = dataset.labels().encode();
    return new CanonicalWriter(16 + inputs.length + labels.length)
        .u8(VERSION)
        .bytes(inputs)
        .bytes(labels)
        .toByteArray();
  }

  /**
   * Strict decoding of an untrusted blob of at most {@code maxSamples} samples; a rejection says
   * which part is wrong.
   */
  public static Result<Dataset> decode(byte[] blob, int maxSamples) {
    byte[] inputBytes;
    byte[] labelBytes;
    try {
      CanonicalReader r = new CanonicalReader(blob);
      int version = r.u8();
      if (version != VERSION) {
        return Result.err("unsupported training set version " + version);
      }
      inputBytes = r.bytes(blob.length);
      labelBytes = r.bytes(blob.length);
      r.end();
    } catch (MalformedEncodingException e) {
      return Result.err("malformed training set: " + e.getMessage());
    }
    Result<Inputs> inputs = Inputs.decode(inputBytes, maxSamples);
    if (!inputs.isOk()) {
      return Result.err("training set: " + inputs.reason());
    }
    Result<Labels> labels = Labels.decode(labelBytes, maxSamples);
    if (!labels.isOk()) {
      return Result.err("training set: " + labels.reason());
    }
    if (inputs.value().count() != labels.value().count()) {
      return Result.err(
          "training set has "
              + inputs.value().count()
              + " samples but "
              + labels.value().count()
              + " labels");
    }
    return Result.ok(new Dataset(inputs.value(), labels.value()));
  }
}
