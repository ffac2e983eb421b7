package org.learnchain.node.problem;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.learnchain.config.Genesis;
import org.learnchain.config.ModelLimits;
import org.learnchain.config.Role;
import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.port.ProblemSecrets;
import org.learnchain.consensus.statemachine.BlockVerifier;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.SubmitProblem;
import org.learnchain.ledger.mempool.Admission;
import org.learnchain.ml.data.Dataset;
import org.learnchain.ml.data.Labels;
import org.learnchain.ml.spec.LayerType;
import org.learnchain.ml.spec.ProblemLimits;
import org.learnchain.ml.spec.ProblemSpec;
import org.learnchain.ml.spec.Task;
import org.learnchain.node.adapter.FileProblemSecrets;
import org.learnchain.node.adapter.TrainingSets;
import org.learnchain.p2p.blob.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a training set, a test set and a bounty into a funded problem on chain, as the submitter's
 * node does it: checks everything that would make the problem useless to miners or impossible to
 * reveal, stores the training set where peers fetch it by hash, keeps the salt and test set as the
 * node's secret (durably, before anything leaves the node), and signs and submits the {@code
 * SubmitProblem} transaction with this node's key.
 */
public final class ProblemSubmitter {
  private static final Logger LOG = LoggerFactory.getLogger(ProblemSubmitter.class);

  /** The trainer needs this many samples to hold some out for validation. */
  public static final int MIN_TRAIN_SAMPLES = 10;

  private final Genesis genesis;
  private final PrivateKey key;
  private final BlobStore blobs;
  private final FileProblemSecrets secrets;
  private final Function<Address, Long> nextNonce;
  private final Function<SignedTransaction, Admission> pool;
  private final SecureRandom random;
  private final long maxRevealBytes;

  /**
   * @param nextNonce the nonce the next transaction of an address must carry (pool included)
   * @param pool adds a signed transaction to the node's pool and gossips it when accepted
   * @param maxRevealBytes the largest test reveal the network carries (a p2p frame)
   */
  public ProblemSubmitter(
      Genesis genesis,
      PrivateKey key,
      BlobStore blobs,
      FileProblemSecrets secrets,
      Function<Address, Long> nextNonce,
      Function<SignedTransaction, Admission> pool,
      SecureRandom random,
      long maxRevealBytes) {
    this.genesis = genesis;
    this.key = key;
    this.blobs = blobs;
    this.secrets = secrets;
    this.nextNonce = nextNonce;
    this.pool = pool;
    this.random = random;
    this.maxRevealBytes = maxRevealBytes;
  }

  /** The outcome of a submission. */
  public sealed interface Outcome {}

  /**
   * The problem is in the pool and on its way to the network.
   *
   * @param problemId its id (the transaction's hash)
   */
  public record Accepted(
      Hash problemId, Hash trainSetHash, long trainSetBytes, int trainSamples, int testSamples)
      implements Outcome {}

  /**
   * The problem was not submitted.
   *
   * @param kind whose fault: the input, the node's state (role, balance, pool), or storage
   */
  public record Rejected(Kind kind, String reason) implements Outcome {
    public Rejected {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Why a submission failed. */
  public enum Kind {
    /** The datasets, spec or bounty are unusable. */
    INVALID,
    /** The node cannot submit it now (not a submitter, not enough balance, pool refused). */
    REFUSED,
    /** The node could not store the training set or the secret. */
    STORAGE
  }

  /**
   * Submits a problem; serialized so that concurrent submissions take consecutive nonces.
   *
   * @param bounty units escrowed for the winner
   */
  public synchronized Outcome submit(ProblemSpec spec, Dataset train, Dataset test, long bounty) {
    Optional<String> invalid = check(spec, train, test, bounty);
    if (invalid.isPresent()) {
      return new Rejected(Kind.INVALID, invalid.get());
    }
    if (genesis.member(key.publicKey()).map(m -> !m.has(Role.SUBMITTER)).orElse(true)) {
      return new Rejected(
          Kind.REFUSED, "this node's key " + key.publicKey().address() + " is not a submitter");
    }
    byte[] trainBytes = TrainingSets.encode(train);
    if (trainBytes.length > genesis.limits().maxTrainSetBytes()) {
      return new Rejected(
          Kind.INVALID,
          "the training set encodes to "
              + trainBytes.length
              + " bytes, the chain allows "
              + genesis.limits().maxTrainSetBytes());
    }
    byte[] testInputs = test.inputs().encode();
    byte[] testLabels = test.labels().encode();
    if (testInputs.length > maxRevealBytes) {
      return new Rejected(
          Kind.INVALID,
          "the test inputs encode to "
              + testInputs.length
              + " bytes, more than one network message carries ("
              + maxRevealBytes
              + "); use fewer test samples");
    }
    Hash trainHash;
    try {
      trainHash = blobs.put(trainBytes);
    } catch (IOException e) {
      LOG.error("Training set not stored error={}", e.toString());
      return new Rejected(Kind.STORAGE, "cannot store the training set: " + e.getMessage());
    }
    byte[] saltBytes = new byte[BlockVerifier.SALT_BYTES];
    random.nextBytes(saltBytes);
    Bytes salt = Bytes.own(saltBytes);
    Bytes inputs = Bytes.own(testInputs);
    Bytes labels = Bytes.own(testLabels);
    SubmitProblem sp =
        new SubmitProblem(
            trainHash,
            trainBytes.length,
            inputs.sha256WithPrefix(salt),
            labels.sha256WithPrefix(salt),
            test.count(),
            spec.encode(),
            bounty);
    Address me = key.publicKey().address();
    SignedTransaction tx =
        SignedTransaction.sign(
            key, genesis.chainId(), nextNonce.apply(me), genesis.rewards().minTxFee(), sp);
    Hash problemId = tx.hash();
    try {
      // Durable before the transaction can reach anyone: miners' work depends on the reveal.
      secrets.put(problemId, new ProblemSecrets.Secret(salt, inputs, labels));
    } catch (IOException e) {
      LOG.error(
          "Problem secret not stored problem={} error={}", problemId.toShortHex(), e.toString());
      return new Rejected(Kind.STORAGE, "cannot store the problem's secret: " + e.getMessage());
    }
    Admission a = pool.apply(tx);
    if (a instanceof Admission.Rejected r) {
      try {
        secrets.delete(problemId);
      } catch (IOException e) {
        LOG.warn("Secret of a refused problem not deleted problem={}", problemId.toShortHex());
      }
      return new Rejected(Kind.REFUSED, r.reason().name() + ": " + r.message());
    }
    LOG.info(
        "Problem submitted problem={} bounty={} trainSamples={} trainBytes={} testSamples={}",
        problemId.toShortHex(),
        bounty,
        train.count(),
        trainBytes.length,
        test.count());
    return new Accepted(problemId, trainHash, trainBytes.length, train.count(), test.count());
  }

  /**
   * The widest limits the chain allows ({@code chain}): a problem that leaves the choice of model
   * to the miners.
   */
  public static ProblemLimits widestLimits(ModelLimits chain) {
    EnumSet<LayerType> layers = EnumSet.of(LayerType.OUTPUT);
    for (String id : chain.allowedLayers()) {
      LayerType.fromId(id).ifPresent(layers::add);
    }
    return new ProblemLimits(
        chain.maxParameters(),
        chain.maxInferenceFlops(),
        layers,
        Math.min(chain.maxModelBytes(), ProblemLimits.ABSOLUTE_MAX_MODEL_BYTES));
  }

  private Optional<String> check(ProblemSpec spec, Dataset train, Dataset test, long bounty) {
    if (bounty < genesis.rewards().minBounty()) {
      return Optional.of(
          "the reward "
              + bounty
              + " is below the chain's minimum "
              + genesis.rewards().minBounty());
    }
    ModelLimits chain = genesis.limits();
    Optional<String> over =
        spec.limits()
            .exceeds(
                chain.maxParameters(),
                chain.maxInferenceFlops(),
                chain.maxModelBytes(),
                chain.allowedLayers());
    if (over.isPresent()) {
      return over;
    }
    int width = spec.input().size();
    if (train.inputs().width() != width) {
      return Optional.of(
          "training samples have " + train.inputs().width() + " values, the problem " + width);
    }
    if (test.inputs().width() != width) {
      return Optional.of(
          "test samples have "
              + test.inputs().width()
              + " values but training samples have "
              + width);
    }
    if (train.count() < MIN_TRAIN_SAMPLES) {
      return Optional.of(
          "the training set has "
              + train.count()
              + " samples, at least "
              + MIN_TRAIN_SAMPLES
              + " are needed");
    }
    if (test.count() < 1 || test.count() > chain.maxTestSamples()) {
      return Optional.of(
          "the test set has "
              + test.count()
              + " samples, the chain allows 1.."
              + chain.maxTestSamples());
    }
    Optional<String> trainLabels = labelsFit(spec.task(), train.labels(), "training");
    return trainLabels.isPresent() ? trainLabels : labelsFit(spec.task(), test.labels(), "test");
  }

  private static Optional<String> labelsFit(Task task, Labels labels, String which) {
    if (task instanceof Task.Classification c) {
      if (!(labels instanceof Labels.Classes classes)) {
        return Optional.of("the " + which + " labels are not class indices");
      }
      if (classes.classCount() > c.classes()) {
        return Optional.of(
            "the "
                + which
                + " labels have "
                + classes.classCount()
                + " classes, the problem "
                + c.classes());
      }
      return Optional.empty();
    }
    if (!(labels instanceof Labels.Values values) || values.width() != task.outputWidth()) {
      return Optional.of(
          "the " + which + " targets must be " + task.outputWidth() + " real values per sample");
    }
    return Optional.empty();
  }
}
