package org.learnchain.simulation;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;
import org.learnchain.consensus.ConsensusConfig;
import org.learnchain.consensus.ConsensusNode;
import org.learnchain.consensus.ledger.LedgerChain;
import org.learnchain.consensus.ledger.StoreJournal;
import org.learnchain.consensus.port.BlobPort;
import org.learnchain.consensus.port.ConsensusPorts;
import org.learnchain.consensus.port.Gossip;
import org.learnchain.consensus.port.MlPort;
import org.learnchain.consensus.port.ProblemSecrets;
import org.learnchain.consensus.port.SigningJournal;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.mempool.Mempool;
import org.learnchain.ledger.mempool.MempoolConfig;
import org.learnchain.ledger.state.StateTransition;
import org.learnchain.ledger.state.WorldState;
import org.learnchain.ledger.store.ChainStore;
import org.learnchain.ledger.store.InMemoryKeyValueStore;
import org.learnchain.ledger.store.KvChainStore;

/**
 * One in-process node: the production consensus over an in-memory chain and journal (its "disk"),
 * the simulated network and clock, and a plain-Java ML port. {@link #crash()} and {@link
 * #restart()} throw the state machine away and build a new one over the same chain and journal.
 */
public final class SimNode implements SimNetwork.Endpoint {
  private final int index;
  private final PrivateKey key;
  private final ConsensusConfig config;
  private final StateTransition transition;
  private final Consumer<SignedTransaction> broadcast;
  private final SimulatedClock clock;
  private final Gossip gossip;
  private final MlPort ml;
  private final BlobPort blobs;
  private InMemoryKeyValueStore disk = InMemoryKeyValueStore.create();
  private ChainStore store;
  private LedgerChain chain;
  private StoreJournal journal;
  private final Map<Hash, ProblemSecrets.Secret> secrets = new HashMap<>();
  private final SimRecorder recorder = new SimRecorder();
  private ConsensusNode node;
  private boolean crashed;
  private int identity;

  SimNode(
      int index,
      PrivateKey key,
      ConsensusConfig config,
      StateTransition transition,
      Consumer<SignedTransaction> broadcast,
      SimulatedClock clock,
      Gossip gossip,
      MlPort ml,
      BlobPort blobs) {
    this.index = index;
    this.key = key;
    this.config = config;
    this.transition = transition;
    this.broadcast = broadcast;
    this.clock = clock;
    this.gossip = gossip;
    this.ml = ml;
    this.blobs = blobs;
    this.identity = index;
    open();
  }

  /** Opens the store on the node's disk and builds a fresh mempool and consensus over it. */
  private void open() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    store = KvChainStore.open(disk, config.genesis(), ForkJoinPool.commonPool(), registry);
    chain =
        new LedgerChain(
            store, transition, new Mempool(transition, MempoolConfig.DEFAULT, registry), broadcast);
    journal = new StoreJournal(store);
    ConsensusPorts ports =
        new ConsensusPorts(
            clock, gossip, chain, ml, blobs, id -> Optional.ofNullable(secrets.get(id)), journal);
    node = new ConsensusNode(config, key, ports, recorder);
  }

  public int index() {
    return index;
  }

  /** The member whose key this node runs with: its own index, or the node it is a twin of. */
  public int identity() {
    return identity;
  }

  void twinOf(int member) {
    this.identity = member;
  }

  public PrivateKey key() {
    return key;
  }

  public LedgerChain chain() {
    return chain;
  }

  public SigningJournal journal() {
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
    return store.headState();
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

  /** A new process over the same disk: the store is reopened, the mempool starts empty. */
  public void restart() {
    store.close();
    disk = disk.reopen();
    open();
    crashed = false;
    node.start();
  }

  /**
   * The machine lost power and comes back: what was written without waiting for the disk since the
   * last synced write is gone (see {@link InMemoryKeyValueStore#reopenAfterPowerLoss()}), then a
   * new process starts over it. Call after {@link #crash()}.
   *
   * @return whether the disk came back with its head above its finalized mark (the mark is written
   *     without waiting for the disk), so the node's recovery of it was exercised
   */
  public boolean restartAfterPowerLoss() {
    store.close();
    disk = disk.reopenAfterPowerLoss();
    open();
    boolean markBehind = store.head().height() > store.finalizedHeight();
    crashed = false;
    node.start();
    return markBehind;
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
