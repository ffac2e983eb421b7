package org.learnchain.consensus;

import org.learnchain.consensus.statemachine.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production driver: one thread that takes events from a node's queue and hands them to its
 * state machine, so the state machine needs no locks (the Besu BftProcessor pattern). Stops when
 * asked or interrupted.
 */
public final class ConsensusProcessor implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(ConsensusProcessor.class);
  private final ConsensusNode node;
  private volatile boolean running = true;

  public ConsensusProcessor(ConsensusNode node) {
    this.node = node;
  }

  @Override
  public void run() {
    LOG.info("Consensus processor started");
    try {
      while (running) {
        Event e = node.queue().poll(500);
        if (e != null) {
          handle(e);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("Consensus processor stopped");
  }

  private void handle(Event e) {
    try {
      node.machine().handle(e);
    } catch (RuntimeException ex) {
      // A bug in handling one event must not stop consensus for good: log it loudly with the
      // stack trace and go on with the next event.
      LOG.error("Consensus event failed event={}", e.getClass().getSimpleName(), ex);
    }
  }

  public void stop() {
    running = false;
  }
}
