package org.learnchain.ml.train;

import java.time.Duration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.learnchain.ml.train.SearchSchedule.Attempt;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a search hands back to the {@link Trainer} to build the final model from: the winning
 * network and its parameters, how it scored, and the search's counters.
 *
 * @param net the winner's DL4J network (its parameters are set to {@code params} before folding)
 * @param params the winner's parameters at its best epoch
 * @param score its validation score
 * @param epoch its best epoch (the refit's epoch count for the tabular search)
 * @param attempt the schedule entry it came from
 * @param trained candidates trained
 * @param samplesTrained samples passed through training steps, over all candidates and the refit
 * @param stepTime time spent in training epochs
 * @param budgetBound whether time, rather than the plan, ended the search
 */
record SearchResult(
    MultiLayerNetwork net,
    INDArray params,
    Score score,
    int epoch,
    Attempt attempt,
    int trained,
    long samplesTrained,
    Duration stepTime,
    boolean budgetBound) {}
