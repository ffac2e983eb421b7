package org.learnchain.node.adapter;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;
import org.learnchain.config.Genesis;
import org.learnchain.consensus.ConsensusNode;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.message.Codec;
import org.learnchain.consensus.message.CommitCertificate;
import org.learnchain.consensus.message.ConsensusMessage;
import org.learnchain.consensus.message.Vote;
import org.learnchain.consensus.port.Gossip;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.MessageType;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.Decoded;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.node.NodeListener;
import org.learnchain.p2p.GossipMessage;
import org.learnchain.p2p.P2PNetwork;
import org.learnchain.p2p.Topic;
import org.learnchain.p2p.ValidationResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consensus's gossip port over the p2p network, and the inbound side: one topic per message kind
 * (named by its {@link MessageType} tag), a validator per topic that checks what can be checked
 * without chain state before a message is relayed (encoding, member signer, signature), and a
 * handler that hands accepted messages to consensus's queue. Malformed or forged messages are
 * REJECTed, which lowers the sending peer's reputation.
 */
public final class P2pGossip implements Gossip {
  private static final Logger LOG = LoggerFactory.getLogger(P2pGossip.class);

  /** The consensus message kinds carried over gossip, each on its own topic. */
  static final List<MessageType> CONSENSUS_KINDS =
      List.of(
          MessageType.MODEL_COMMIT,
          MessageType.TEST_REVEAL,
          MessageType.PREDICTION_COMMIT,
          MessageType.LABEL_REVEAL,
          MessageType.WINNER_CERTIFICATE,
          MessageType.MISCONDUCT_REPORT,
          MessageType.PROPOSAL,
          MessageType.PREVOTE,
          MessageType.PRECOMMIT);

  /** Commits announced to peers that missed the votes (a container of signed precommits). */
  public static final Topic COMMITS = topic(MessageType.COMMIT_CERTIFICATE);

  public static final Topic BLOCKS = topic(MessageType.BLOCK);
  public static final Topic TRANSACTIONS = topic(MessageType.TRANSACTION);

  /** Batches of transactions (see {@link TxBatcher}); what this node publishes its own on. */
  public static final Topic TRANSACTION_BATCHES =
      Topic.of(MessageType.TRANSACTION.tag() + "-batch");

  private final P2PNetwork network;
  private final Genesis genesis;
  private final BlockSync sync;
  private final NodeListener listener;
  private final Map<MessageType, Topic> topics = new EnumMap<>(MessageType.class);
  private final Predicate<List<SignedTransaction>> signatureCheck;
  private final MessageSignatures messageSignatures;
  private final TxBatcher batcher;

  /**
   * @param signatureCheck whether transactions are for this chain and signed by their senders; the
   *     node passes its state transition's check, which verifies a batch in parallel and remembers
   *     what it verified so the pool and block verification do not do it again
   * @param scheduler runs the transaction batches' linger timer
   */
  public P2pGossip(
      P2PNetwork network,
      Genesis genesis,
      BlockSync sync,
      NodeListener listener,
      Predicate<List<SignedTransaction>> signatureCheck,
      ScheduledExecutorService scheduler) {
    this(
        network,
        genesis,
        sync,
        listener,
        signatureCheck,
        new MessageSignatures(genesis.chainId()),
        scheduler);
  }

  /**
   * @param messageSignatures the node's memo of consensus messages whose signatures verified,
   *     shared with sync's checks: a precommit seen as a vote is not verified again inside a commit
   *     announcement or a fetched block
   */
  public P2pGossip(
      P2PNetwork network,
      Genesis genesis,
      BlockSync sync,
      NodeListener listener,
      Predicate<List<SignedTransaction>> signatureCheck,
      MessageSignatures messageSignatures,
      ScheduledExecutorService scheduler) {
    this.messageSignatures = messageSignatures;
    this.network = network;
    this.genesis = genesis;
    this.sync = sync;
    this.listener = listener;
    this.signatureCheck = signatureCheck;
    this.batcher = new TxBatcher(b -> network.publish(TRANSACTION_BATCHES, b), scheduler);
    for (MessageType k : CONSENSUS_KINDS) {
      topics.put(k, topic(k));
    }
    topics.put(MessageType.BLOCK, BLOCKS);
    topics.put(MessageType.COMMIT_CERTIFICATE, COMMITS);
  }

  static Topic topic(MessageType kind) {
    return Topic.of(kind.tag());
  }

  @Override
  public void publish(MessageType kind, byte[] payload) {
    Topic t = topics.get(kind);
    if (t == null) {
      throw new IllegalArgumentException("not a gossiped kind: " + kind);
    }
    network.publish(t, payload);
    if (kind != MessageType.BLOCK && kind != MessageType.COMMIT_CERTIFICATE) {
      Result<ConsensusMessage> m = Codec.decode(kind, payload);
      if (m.isOk()) {
        // Signed here: peers' commit announcements carry this node's own precommits.
        messageSignatures.trust(m.value());
        listener.consensusMessage(m.value(), true);
      }
    }
  }

  @Override
  public void requestBlock(Hash hash) {
    sync.requestMissing(hash);
  }

  /** Gossips a transaction this node accepted into its pool, in the next batch. */
  public void publishTransaction(SignedTransaction tx) {
    batcher.add(tx, tx.encode().length);
  }

  /** Sends the transactions waiting for a batch now (before stopping, or in tests). */
  public void flushTransactions() {
    batcher.flush();
  }

  /**
   * Subscribes consensus to every consensus topic and to blocks, and {@code transactions} to the
   * transaction topic. Call once, before the network starts.
   */
  public void subscribe(ConsensusNode consensus, TransactionSink transactions) {
    for (MessageType kind : CONSENSUS_KINDS) {
      network.subscribe(
          topics.get(kind),
          m -> validateMessage(kind, m),
          m -> {
            if (!consensus.onMessage(kind, m.payload())) {
              LOG.warn("Consensus inbox full, message dropped kind={}", kind.tag());
            }
          });
    }
    network.subscribe(BLOCKS, this::validateBlock, m -> consensus.onBlock(m.payload()));
    network.subscribe(
        COMMITS,
        this::validateCommit,
        m -> {
          if (!consensus.onMessage(MessageType.COMMIT_CERTIFICATE, m.payload())) {
            LOG.warn("Consensus inbox full, message dropped kind=commit-certificate");
          }
        });
    network.subscribe(
        TRANSACTIONS,
        this::validateTransaction,
        m -> {
          if (SignedTransaction.tryDecode(m.payload())
              instanceof Decoded.Ok<SignedTransaction> ok) {
            transactions.fromPeer(ok.value());
          }
        });
    network.subscribe(
        TRANSACTION_BATCHES,
        this::validateBatch,
        m -> {
          if (TxBatcher.decode(m.payload()) instanceof Decoded.Ok<List<SignedTransaction>> ok) {
            for (SignedTransaction tx : ok.value()) {
              transactions.fromPeer(tx);
            }
          }
        });
  }

  private ValidationResult validateBatch(GossipMessage m) {
    Decoded<List<SignedTransaction>> d = TxBatcher.decode(m.payload());
    if (!(d instanceof Decoded.Ok<List<SignedTransaction>> ok)) {
      LOG.debug("Transaction batch rejected reason={}", ((Decoded.Malformed<?>) d).reason());
      return ValidationResult.REJECT;
    }
    // One forged transaction makes the whole batch the sender's fault: honest nodes batch only
    // transactions their pool accepted, which had valid signatures.
    if (!signatureCheck.test(ok.value())) {
      LOG.debug("Transaction batch rejected reason=bad chain or signature");
      return ValidationResult.REJECT;
    }
    return ValidationResult.ACCEPT;
  }

  private ValidationResult validateMessage(MessageType kind, GossipMessage m) {
    Result<ConsensusMessage> decoded = Codec.decode(kind, m.payload());
    if (!decoded.isOk()) {
      LOG.debug("Gossip rejected kind={} reason={}", kind.tag(), decoded.reason());
      return ValidationResult.REJECT;
    }
    ConsensusMessage msg = decoded.value();
    if (genesis.member(msg.signer()).isEmpty() || !messageSignatures.verify(msg)) {
      LOG.debug("Gossip rejected kind={} reason=bad signer or signature", kind.tag());
      return ValidationResult.REJECT;
    }
    listener.consensusMessage(msg, false);
    return ValidationResult.ACCEPT;
  }

  /**
   * A commit announcement: well-formed, and every precommit in it a member's, validly signed.
   * Whether they make a quorum of validators for the block is consensus's check.
   */
  private ValidationResult validateCommit(GossipMessage m) {
    Result<CommitCertificate> d = CommitCertificate.decode(m.payload());
    if (!d.isOk()) {
      LOG.debug("Gossip rejected kind=commit-certificate reason={}", d.reason());
      return ValidationResult.REJECT;
    }
    for (Vote v : d.value().precommits()) {
      if (genesis.member(v.validator()).isEmpty() || !messageSignatures.verify(v)) {
        LOG.debug("Gossip rejected kind=commit-certificate reason=bad signer or signature");
        return ValidationResult.REJECT;
      }
    }
    return ValidationResult.ACCEPT;
  }

  private ValidationResult validateBlock(GossipMessage m) {
    Decoded<Block> d = Block.tryDecode(m.payload());
    if (!(d instanceof Decoded.Ok<Block> ok)) {
      return ValidationResult.REJECT;
    }
    Block b = ok.value();
    if (genesis.member(b.header().proposer()).isEmpty() || !b.verifySignature(genesis.chainId())) {
      return ValidationResult.REJECT;
    }
    return ValidationResult.ACCEPT;
  }

  private ValidationResult validateTransaction(GossipMessage m) {
    Decoded<SignedTransaction> d = SignedTransaction.tryDecode(m.payload());
    if (!(d instanceof Decoded.Ok<SignedTransaction> ok)) {
      return ValidationResult.REJECT;
    }
    SignedTransaction tx = ok.value();
    if (!signatureCheck.test(List.of(tx))) {
      return ValidationResult.REJECT;
    }
    return ValidationResult.ACCEPT;
  }

  /** Where transactions from peers go (the node's pool). */
  @FunctionalInterface
  public interface TransactionSink {
    /** Adds a peer's transaction; the result is the pool's refusal reason, if any. */
    Optional<String> fromPeer(SignedTransaction tx);
  }
}
