package org.learnchain.node.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.learnchain.consensus.ConsensusNode;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.message.Codec;
import org.learnchain.consensus.message.ConsensusMessage;
import org.learnchain.consensus.message.ModelCommit;
import org.learnchain.consensus.message.Vote;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.fuzz.FuzzInputs;
import org.learnchain.crypto.fuzz.ThreadAllocations;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.Decoded;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.Transfer;
import org.learnchain.node.NodeListener;
import org.learnchain.node.fuzz.FuzzChain;
import org.learnchain.node.fuzz.FuzzNetwork;
import org.learnchain.p2p.GossipMessage;
import org.learnchain.p2p.MessageId;
import org.learnchain.p2p.Topic;
import org.learnchain.p2p.ValidationResult;

/**
 * Fuzzes the node's gossip intake per topic: the validator {@link P2pGossip} registers for each
 * consensus message kind, for blocks and for transactions, and on ACCEPT the handler that passes
 * the message on (to a real, unstarted consensus node's inbox, or to the transaction sink). Byte 0
 * picks the topic from {@link #TOPICS}, the rest is the gossip payload.
 *
 * <p>The contract checked: a validation result and no exception from validator or handler;
 * allocation in proportion to the payload; ACCEPT only for a payload that decodes, is signed by a
 * genesis member (a transaction: signed, for this chain) and verifies, and an accepted message
 * reaches consensus's inbox or the sink exactly once; anything else reaches neither.
 *
 * <p>Besides the generated {@code seed-*} inputs, the saved inputs hold {@code corpus-consensus-*}:
 * the consensus module's codec seeds (one valid message of every consensus kind, signed by keys
 * that are not members here, so REJECTed), whose kind byte indexes this target's topics alike.
 */
class P2pGossipFuzzTest {
  /** Frozen order: saved inputs name a topic by its index here. */
  static final List<MessageType> TOPICS = topics();

  private static List<MessageType> topics() {
    // Index 6 was attestations, retired with fork choice: prevotes take the slot so that saved
    // inputs keep naming the same topics after it.
    return List.of(
        MessageType.MODEL_COMMIT,
        MessageType.TEST_REVEAL,
        MessageType.PREDICTION_COMMIT,
        MessageType.LABEL_REVEAL,
        MessageType.WINNER_CERTIFICATE,
        MessageType.MISCONDUCT_REPORT,
        MessageType.PREVOTE,
        MessageType.BLOCK,
        MessageType.TRANSACTION,
        MessageType.PROPOSAL,
        MessageType.PRECOMMIT,
        MessageType.COMMIT_CERTIFICATE);
  }

  private static Harness harness;

  /** One node's gossip wiring, kept for the whole fuzzing run. */
  static final class Harness {
    final FuzzChain chain = new FuzzChain();
    final FuzzNetwork net = new FuzzNetwork();
    final List<SignedTransaction> pooled = new ArrayList<>();
    // Runs the transaction batcher's linger timer; daemon, so it never holds the test JVM.
    final ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "fuzz-gossip-batcher");
              t.setDaemon(true);
              return t;
            });
    final P2pGossip gossip;
    final ConsensusNode consensus;

    Harness() {
      BlockSync sync = new BlockSync(chain.store, 1 << 20);
      gossip =
          new P2pGossip(
              net.network,
              chain.genesis,
              sync,
              new NodeListener() {},
              chain.transition::verifySignatures,
              scheduler);
      consensus = chain.consensus(gossip);
      sync.bind(
          net.network,
          new SyncPreverifier(
              chain.genesis,
              chain.store,
              chain.transition::verifySignatures,
              new MessageSignatures(chain.genesis.chainId()),
              null),
          consensus::onBlock);
      gossip.subscribe(
          consensus,
          tx -> {
            pooled.add(tx);
            return Optional.empty();
          });
    }
  }

  static synchronized Harness harness() {
    if (harness == null) {
      harness = new Harness();
    }
    return harness;
  }

  @FuzzTest(maxDuration = "3m")
  void validateAndHandle(byte[] data) {
    if (data.length == 0) {
      return;
    }
    Harness h = harness();
    MessageType kind = TOPICS.get((data[0] & 0xff) % TOPICS.size());
    byte[] payload = Arrays.copyOfRange(data, 1, data.length);
    Topic topic = P2pGossip.topic(kind);
    FuzzNetwork.Entry sub = h.net.subscriptions.get(topic);
    assertNotNull(sub, "no subscriber for " + kind);
    GossipMessage m =
        new GossipMessage(topic, MessageId.of(payload), payload, FuzzChain.STRANGER.publicKey());
    h.pooled.clear();
    while (h.consensus.queue().poll() != null) {
      // Empty the inbox so that each input finds room in it.
    }
    ValidationResult result =
        ThreadAllocations.bounded(payload.length, () -> sub.validator().validate(m));
    assertNotNull(result);
    if (result == ValidationResult.ACCEPT) {
      checkAcceptable(h, kind, payload);
      sub.handler().onMessage(m);
    }
    int delivered = h.consensus.queue().size() + h.pooled.size();
    assertEquals(result == ValidationResult.ACCEPT ? 1 : 0, delivered, "delivered " + delivered);
    if (kind == MessageType.TRANSACTION && result == ValidationResult.ACCEPT) {
      assertEquals(SignedTransaction.tryDecode(payload), new Decoded.Ok<>(h.pooled.get(0)));
    }
  }

  /**
   * Transaction batches from peers (topic {@code tx-batch}): accepted only when the batch decodes
   * strictly and every transaction in it is for this chain and verifies; then each of them reaches
   * the transaction sink once, in order, and nothing reaches consensus.
   */
  @FuzzTest(maxDuration = "3m")
  void transactionBatch(byte[] payload) {
    Harness h = harness();
    FuzzNetwork.Entry sub = h.net.subscriptions.get(P2pGossip.TRANSACTION_BATCHES);
    assertNotNull(sub, "no subscriber for transaction batches");
    GossipMessage m =
        new GossipMessage(
            P2pGossip.TRANSACTION_BATCHES,
            MessageId.of(payload),
            payload,
            FuzzChain.STRANGER.publicKey());
    h.pooled.clear();
    while (h.consensus.queue().poll() != null) {
      // Empty the inbox: a batch must never reach it.
    }
    ValidationResult result =
        ThreadAllocations.bounded(payload.length, () -> sub.validator().validate(m));
    assertNotNull(result);
    if (result != ValidationResult.ACCEPT) {
      assertEquals(0, h.pooled.size());
      return;
    }
    List<SignedTransaction> txs =
        ((Decoded.Ok<List<SignedTransaction>>)
                assertInstanceOf(Decoded.Ok.class, TxBatcher.decode(payload)))
            .value();
    for (SignedTransaction tx : txs) {
      assertEquals(FuzzChain.CHAIN_ID, tx.chainId());
      assertTrue(tx.verifySignature());
    }
    sub.handler().onMessage(m);
    assertEquals(txs, h.pooled);
    assertEquals(0, h.consensus.queue().size());
  }

  static Map<String, byte[]> batchSeeds() {
    FuzzChain c = new FuzzChain();
    List<SignedTransaction> txs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      txs.add(
          SignedTransaction.sign(
              FuzzChain.MEMBERS.get(1),
              FuzzChain.CHAIN_ID,
              i,
              c.genesis.rewards().minTxFee(),
              new Transfer(FuzzChain.MEMBERS.get(2).publicKey().address(), 5 + i)));
    }
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put("three-transfers", TxBatcher.encode(txs, 1024));
    seeds.put("empty", TxBatcher.encode(List.of(), 16));
    return seeds;
  }

  @Test
  void batchSeedsAreAcceptedAndSaved() {
    Map<String, byte[]> seeds = batchSeeds();
    Harness h = harness();
    byte[] three = seeds.get("three-transfers");
    assertEquals(
        ValidationResult.ACCEPT,
        h.net
            .subscriptions
            .get(P2pGossip.TRANSACTION_BATCHES)
            .validator()
            .validate(
                new GossipMessage(
                    P2pGossip.TRANSACTION_BATCHES,
                    MessageId.of(three),
                    three,
                    FuzzChain.STRANGER.publicKey())));
    for (byte[] s : seeds.values()) {
      transactionBatch(s);
    }
    FuzzInputs.sync(getClass(), "transactionBatch", seeds);
  }

  private static void checkAcceptable(Harness h, MessageType kind, byte[] payload) {
    switch (kind) {
      case BLOCK -> {
        Block b =
            ((Decoded.Ok<Block>) assertInstanceOf(Decoded.Ok.class, Block.tryDecode(payload)))
                .value();
        assertTrue(h.chain.genesis.member(b.header().proposer()).isPresent());
        assertTrue(b.verifySignature(FuzzChain.CHAIN_ID));
      }
      case TRANSACTION -> {
        SignedTransaction tx =
            ((Decoded.Ok<SignedTransaction>)
                    assertInstanceOf(Decoded.Ok.class, SignedTransaction.tryDecode(payload)))
                .value();
        assertEquals(FuzzChain.CHAIN_ID, tx.chainId());
        assertTrue(tx.verifySignature());
      }
      default -> {
        Result<ConsensusMessage> r = Codec.decode(kind, payload);
        assertTrue(r.isOk(), () -> "accepted an undecodable " + kind);
        assertTrue(h.chain.genesis.member(r.value().signer()).isPresent(), "a stranger's message");
        assertTrue(r.value().verifySignature(h.chain.domains));
      }
    }
  }

  static byte[] input(MessageType kind, byte[] payload) {
    byte[] out = new byte[payload.length + 1];
    out[0] = (byte) TOPICS.indexOf(kind);
    System.arraycopy(payload, 0, out, 1, payload.length);
    return out;
  }

  static Map<String, byte[]> seeds() {
    FuzzChain c = new FuzzChain();
    Hash problem = Hash.wrap(new byte[32]);
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put(
        "model-commit",
        input(
            MessageType.MODEL_COMMIT,
            ModelCommit.sign(
                    c.domains,
                    FuzzChain.MEMBERS.get(1),
                    1,
                    problem,
                    ModelCommit.commitment(problem, FuzzChain.MEMBERS.get(1).publicKey(), 1))
                .encode()));
    seeds.put(
        "prevote",
        input(
            MessageType.PREVOTE,
            Vote.sign(
                    c.domains,
                    MessageType.PREVOTE,
                    FuzzChain.MEMBERS.get(2),
                    1,
                    0,
                    c.store.genesisBlock().hash())
                .encode()));
    seeds.put(
        "transfer",
        input(
            MessageType.TRANSACTION,
            SignedTransaction.sign(
                    FuzzChain.MEMBERS.get(1),
                    FuzzChain.CHAIN_ID,
                    0,
                    c.genesis.rewards().minTxFee(),
                    new Transfer(FuzzChain.MEMBERS.get(2).publicKey().address(), 5))
                .encode()));
    seeds.put("genesis-block", input(MessageType.BLOCK, c.store.genesisBlock().encode()));
    return seeds;
  }

  @Test
  void seedsAreAcceptedAndSaved() {
    Map<String, byte[]> seeds = seeds();
    Harness h = harness();
    for (String name : List.of("model-commit", "prevote", "transfer")) {
      byte[] s = seeds.get(name);
      MessageType kind = TOPICS.get(s[0]);
      byte[] payload = Arrays.copyOfRange(s, 1, s.length);
      assertEquals(
          ValidationResult.ACCEPT,
          h.net
              .subscriptions
              .get(P2pGossip.topic(kind))
              .validator()
              .validate(
                  new GossipMessage(
                      P2pGossip.topic(kind),
                      MessageId.of(payload),
                      payload,
                      FuzzChain.STRANGER.publicKey())),
          name);
    }
    for (byte[] s : seeds.values()) {
      validateAndHandle(s);
    }
    FuzzInputs.sync(getClass(), "validateAndHandle", seeds);
  }
}
