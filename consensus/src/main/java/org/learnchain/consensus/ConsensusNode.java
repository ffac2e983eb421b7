package org.learnchain.consensus;

import org.learnchain.consensus.port.ConsensusPorts;
import org.learnchain.consensus.statemachine.Event;
import org.learnchain.consensus.statemachine.EventQueue;
import org.learnchain.consensus.statemachine.RoundStateMachine;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.ledger.Block;

/**
 * One node's consensus: the entry points the rest of the node calls (from any thread; they only
 * enqueue) and the state machine behind its queue. In production a {@link ConsensusProcessor}
 * thread drains the queue; simulations call {@link #drain()} on their single thread.
 */
public final class ConsensusNode {
  private final EventQueue queue;
  private final RoundStateMachine machine;

  public ConsensusNode(
      ConsensusConfig config, PrivateKey key, ConsensusPorts ports, ConsensusListener listener) {
    this.queue = new EventQueue(config.queueCapacity());
    this.machine = new RoundStateMachine(config, key, ports, queue, listener);
  }

  /** Starts (or, on a node rebuilt over its stored chain and journal, restarts) the rounds. */
  public void start() {
    queue.addOwn(new Event.Start());
  }

  /** A consensus message from a peer; false when the inbox is full and it was dropped. */
  public boolean onMessage(MessageType kind, byte[] payload) {
    return queue.offerExternal(new Event.MessageReceived(kind, Bytes.of(payload)));
  }

  /** A block from a peer (gossip or a sync answer); false when dropped. */
  public boolean onBlock(byte[] encoded) {
    return queue.offerExternal(new Event.BlockReceived(Bytes.of(encoded)));
  }

  /** Handles every queued event on the caller's thread; returns how many. */
  public int drain() {
    int n = 0;
    Event e;
    while ((e = queue.poll()) != null) {
      machine.handle(e);
      n++;
    }
    return n;
  }

  public EventQueue queue() {
    return queue;
  }

  /** Only for the consensus thread (or a simulation's single thread). */
  public RoundStateMachine machine() {
    return machine;
  }

  /** The head as the state machine sees it (consensus thread only). */
  public Block head() {
    return machine.head();
  }
}
