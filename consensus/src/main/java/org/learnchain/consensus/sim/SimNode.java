package org.learnchain.consensus.sim;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.learnchain.consensus.ConsensusConfig;
import org.learnchain.consensus.ConsensusNode;
import org.learnchain.consensus.port.BlobPort;
import org.learnchain.consensus.port.ConsensusPorts;
import org.learnchain.consensus.port.Gossip;
import org.learnchain.consensus.port.MlPort;
import org.learnchain.consensus.port.ProblemSecrets;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.state.WorldState;

/**
 * One in-process node: the production consensus over an in-memory chain and journal (its "disk"),
 * the simulated network and clock, and a plain-Java ML port. {@link #crash()} and {@link
 * #restart()} throw the state machine away and build a new one over the same chain and journal.
 */
public final class SimNode implements SimNetwork.Endpoint {
  private final int index;
  private final PrivateKey key;
  private final ConsensusConfig config;
  private final InMemoryChain chain;
  private final InMemoryJournal journal = new InMemoryJournal();
  private final Map<Hash, ProblemSecrets.Secret> secrets = new HashMap<>();
  private final SimRecorder recorder = new SimRecorder();
  private final ConsensusPorts ports;
  private ConsensusNode node;
  private boolean crashed;

  SimNode(
      int index,
      PrivateKey key,
      ConsensusConfig config,
      InMemoryChain chain,
      SimulatedClock clock,
      Gossip gossip,
      MlPort ml,
      BlobPort blobs) {
    this.index = index;
    this.key = key;
    this.config = config;
    this.chain = chain;
    this.ports =
        new ConsensusPorts(
            clock, gossip, chain, ml, blobs, id -> Optional.ofNullable(secrets.get(id)), journal);
    this.node = new ConsensusNode(config, key, ports, recorder);
  }

  public int index() {
    return index;
  }

  public PrivateKey key() {
    return key;
  }

  public InMemoryChain chain() {
    return chain;
  }

  public InMemoryJournal journal() {
    return journal;
  }

  public SimRecorder recorder() {
    return recorder;
  }

  public ConsensusNode consensus() {
    return node;
  }

  public boolean crashed() {
    return crashed;
  }

  Optional<ProblemSecrets.Secret> secretOf(Hash problemId) {
    return Optional.ofNullable(secrets.get(problemId));
  }

  /** The secret of one of this node's problems whose test inputs are {@code testInputs}. */
  Optional<ProblemSecrets.Secret> secretWithInputs(org.learnchain.consensus.Bytes testInputs) {
    return secrets.values().stream().filter(s -> s.testInputs().equals(testInputs)).findFirst();
  }

  void addSecret(Hash problemId, ProblemSecrets.Secret secret) {
    secrets.put(problemId, secret);
  }

  /** The state after this node's canonical head. */
  public WorldState headState() {
    return chain.stateAfter(chain.head().hash()).orElseThrow();
  }

  /** Drains this node's queue (nothing while crashed). */
  int drain() {
    return crashed ? 0 : node.drain();
  }

  void start() {
    node.start();
  }

  /** The process dies: whatever was only in memory is gone. */
  public void crash() {
    crashed = true;
  }

  /** A new process over the same chain and journal. */
  public void restart() {
    node = new ConsensusNode(config, key, ports, recorder);
    crashed = false;
    node.start();
  }

  @Override
  public void deliver(MessageType kind, byte[] payload) {
    if (crashed) {
      return;
    }
    if (kind == MessageType.BLOCK) {
      node.onBlock(payload);
    } else {
      node.onMessage(kind, payload);
    }
  }

  @Override
  public void deliverTransaction(SignedTransaction tx) {
    chain.addTransaction(tx);
  }

  @Override
  public Optional<Block> storedBlock(Hash hash) {
    return chain.block(hash);
  }
}
