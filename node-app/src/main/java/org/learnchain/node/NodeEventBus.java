package org.learnchain.node;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.learnchain.consensus.message.ConsensusMessage;
import org.learnchain.consensus.message.MisconductReport;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Block;
import org.learnchain.ml.train.TrainingProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans every node event out to the listeners registered now. A listener that throws is a bug in
 * that listener: it is logged with its stack trace and the others still get the event, so a broken
 * status view can never stall consensus.
 */
public final class NodeEventBus implements NodeListener {
  private static final Logger LOG = LoggerFactory.getLogger(NodeEventBus.class);
  private final List<NodeListener> listeners = new CopyOnWriteArrayList<>();

  public void add(NodeListener listener) {
    listeners.add(listener);
  }

  public void remove(NodeListener listener) {
    listeners.remove(listener);
  }

  private void each(String event, Consumer<NodeListener> call) {
    for (NodeListener l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        LOG.error(
            "Node listener failed event={} listener={}", event, l.getClass().getSimpleName(), e);
      }
    }
  }

  @Override
  public void blockImported(Block block, boolean head) {
    each("blockImported", l -> l.blockImported(block, head));
  }

  @Override
  public void blockRejected(Block block, String reason) {
    each("blockRejected", l -> l.blockRejected(block, reason));
  }

  @Override
  public void headChanged(Block head) {
    each("headChanged", l -> l.headChanged(head));
  }

  @Override
  public void committedDespiteLocalCheck(Block block, String reason) {
    each("committedDespiteLocalCheck", l -> l.committedDespiteLocalCheck(block, reason));
  }

  @Override
  public void finalized(Hash hash, long height) {
    each("finalized", l -> l.finalized(hash, height));
  }

  @Override
  public void misconduct(MisconductReport report) {
    each("misconduct", l -> l.misconduct(report));
  }

  @Override
  public void evidenceSubmitted(byte[] proof) {
    each("evidenceSubmitted", l -> l.evidenceSubmitted(proof));
  }

  @Override
  public void roundStarted(long height, boolean hasProblem) {
    each("roundStarted", l -> l.roundStarted(height, hasProblem));
  }

  @Override
  public void consensusMessage(ConsensusMessage message, boolean own) {
    each("consensusMessage", l -> l.consensusMessage(message, own));
  }

  @Override
  public void trainingProgress(long round, TrainingProgress progress) {
    each("trainingProgress", l -> l.trainingProgress(round, progress));
  }

  @Override
  public void trainingFinished(long round, TrainingSummary summary) {
    each("trainingFinished", l -> l.trainingFinished(round, summary));
  }

  @Override
  public void modelVerified(Hash modelHash, Duration elapsed, String reason) {
    each("modelVerified", l -> l.modelVerified(modelHash, elapsed, reason));
  }

  @Override
  public void verificationHeadroom(Hash modelHash, double headroom) {
    each("verificationHeadroom", l -> l.verificationHeadroom(modelHash, headroom));
  }
}
