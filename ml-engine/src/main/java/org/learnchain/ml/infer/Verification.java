package org.learnchain.ml.infer;

import java.time.Duration;
import org.learnchain.crypto.Hash;

/**
 * A successful verification of committed predictions.
 *
 * @param modelHash hash of the model bytes that were re-run
 * @param samples test samples checked
 * @param maxDifference largest absolute difference between a recomputed and a committed output
 * @param labelsWithinMargin samples whose committed label differs from the recomputed one where the
 *     recomputed top-two margin was within the tolerance (accepted)
 * @param elapsed time spent loading and running the model
 * @param headroom the largest share of the tolerance any output used: {@code |recomputed -
 *     committed| / (tolerance * max(1, |committed|))} over all outputs, so 0 for a bit-identical
 *     re-run and 1 at the limit (operators watch how close honest blocks come to rejection)
 */
public record Verification(
    Hash modelHash,
    int samples,
    double maxDifference,
    int labelsWithinMargin,
    Duration elapsed,
    double headroom) {}
