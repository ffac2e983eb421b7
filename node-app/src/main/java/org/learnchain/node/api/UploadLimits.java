package org.learnchain.node.api;

import io.grpc.StatusRuntimeException;
import java.util.Optional;
import org.learnchain.node.problem.ProblemFiles;
import org.learnchain.proto.api.ProblemHeader;

/**
 * What a problem upload must respect before anything is spooled or read: a header that names a
 * known task and format, offers a positive reward and declares the size of each file its format
 * needs (and of no other), each within the node's limit; then chunks that never go past the size
 * declared or the limit. Each check answers with the refusal the client gets, or nothing.
 */
final class UploadLimits {
  private final long maxUploadBytes;

  UploadLimits(long maxUploadBytes) {
    this.maxUploadBytes = maxUploadBytes;
  }

  long maxUploadBytes() {
    return maxUploadBytes;
  }

  /** The refusal of a header, checked in this order: reward, task, format, declared sizes. */
  Optional<StatusRuntimeException> header(ProblemHeader h) {
    if (h.getReward() <= 0) {
      return Optional.of(ApiErrors.invalid("the reward must be positive"));
    }
    if (ProblemFiles.Kind.parse(h.getTask()).isEmpty()) {
      return Optional.of(
          ApiErrors.invalid(
              "unknown task '"
                  + ApiErrors.oneLine(h.getTask())
                  + "': classification or regression"));
    }
    Optional<ProblemFiles.Format> f = ProblemFiles.Format.parse(h.getFormat());
    if (f.isEmpty()) {
      return Optional.of(
          ApiErrors.invalid(
              "unknown format '" + ApiErrors.oneLine(h.getFormat()) + "': csv or idx"));
    }
    boolean idx = f.get() == ProblemFiles.Format.IDX;
    // Training, test, training labels, test labels: CSV needs the first two, IDX all four.
    long[] declared = {
      h.getTrainBytes(), h.getTestBytes(), h.getTrainLabelsBytes(), h.getTestLabelsBytes()
    };
    for (int i = 0; i < declared.length; i++) {
      boolean needed = idx || i < 2;
      if (needed && declared[i] <= 0) {
        return Optional.of(
            ApiErrors.invalid(
                idx
                    ? "declare the sizes of all four IDX files"
                    : "declare the sizes of both files"));
      }
      if (!needed && declared[i] != 0) {
        return Optional.of(ApiErrors.invalid("label files belong to the idx format only"));
      }
      if (declared[i] > maxUploadBytes) {
        return Optional.of(
            ApiErrors.tooLarge(
                "a file of "
                    + declared[i]
                    + " bytes exceeds this node's limit of "
                    + maxUploadBytes
                    + " bytes"));
      }
    }
    return Optional.empty();
  }

  /** The refusal of a part whose received bytes (this chunk counted) exceed what it may take. */
  Optional<StatusRuntimeException> received(UploadPart p) {
    if (p.received > p.declared || p.received > maxUploadBytes) {
      return Optional.of(
          ApiErrors.tooLarge(
              "more " + p.what + " data than the " + p.declared + " bytes declared"));
    }
    return Optional.empty();
  }
}
