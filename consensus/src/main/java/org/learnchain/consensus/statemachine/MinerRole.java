package org.learnchain.consensus.statemachine;

import java.util.function.Consumer;
import org.learnchain.config.Genesis;
import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.message.ConsensusMessage;
import org.learnchain.consensus.message.ModelCommit;
import org.learnchain.consensus.message.PredictionCommit;
import org.learnchain.consensus.port.BlobPort;
import org.learnchain.consensus.port.Clock;
import org.learnchain.consensus.port.ConsensusPorts;
import org.learnchain.consensus.port.JournalSlot;
import org.learnchain.consensus.port.MlPort;
import org.learnchain.consensus.port.MlPort.TrainedModel;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.MessageType;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.PendingProblem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node as a miner of the current height's problem (docs/protocol.md, section 3): it fetches
 * the training set, trains before the commit deadline, commits to its model's hash, and once the
 * test inputs are revealed commits to its predictions. Each signed message is journaled first, so a
 * restart never commits twice. Fetching and training run off the consensus thread; their results
 * come back as events.
 */
final class MinerRole {
  private static final Logger LOG = LoggerFactory.getLogger(RoundStateMachine.class);

  private final Genesis genesis;
  private final ChainDomains domains;
  private final PrivateKey key;
  private final PublicKey me;
  private final Clock clock;
  private final MlPort ml;
  private final BlobPort blobs;
  private final SignOnce once;
  private final EventQueue queue;
  private final Consumer<ConsensusMessage> publish;
  private final Position at;

  MinerRole(
      Genesis genesis,
      ChainDomains domains,
      PrivateKey key,
      ConsensusPorts ports,
      SignOnce once,
      EventQueue queue,
      Consumer<ConsensusMessage> publish,
      Position at) {
    this.genesis = genesis;
    this.domains = domains;
    this.key = key;
    this.me = key.publicKey();
    this.clock = ports.clock();
    this.ml = ports.ml();
    this.blobs = ports.blobs();
    this.once = once;
    this.queue = queue;
    this.publish = publish;
    this.at = at;
  }

  void startTraining() {
    at.round.trainingStarted = true;
    PendingProblem p = at.round.problem.orElseThrow().pending();
    if (p.trainSetSize() > genesis.limits().maxTrainSetBytes()) {
      LOG.warn(
          "Training set over the chain limit round={} size={}", at.round.height, p.trainSetSize());
      return;
    }
    long h = at.round.height;
    Hash pid = p.id();
    blobs
        .fetch(p.trainSetHash(), p.trainSetSize())
        .whenComplete(
            (r, ex) ->
                queue.addOwn(
                    new Event.TrainingSetFetched(
                        h, pid, ex != null ? Result.err("fetch failed: " + ex) : r)));
  }

  void onTrainingSet(Event.TrainingSetFetched f) {
    if (!at.roundIs(f.height(), f.problemId())) {
      return;
    }
    if (!f.trainingSet().isOk()) {
      LOG.warn("Training set unavailable round={} reason={}", f.height(), f.trainingSet().reason());
      return;
    }
    RoundProblem p = at.round.problem.orElseThrow();
    long h = at.round.height;
    MlPort.TrainingTask task =
        new MlPort.TrainingTask(
            h, p.id(), p.spec(), f.trainingSet().value(), at.round.schedule.trainingDeadline(), me);
    ml.train(task)
        .whenComplete(
            (r, ex) ->
                queue.addOwn(
                    new Event.TrainingFinished(
                        h, p.id(), ex != null ? Result.err("training failed: " + ex) : r)));
  }

  void onTrainingFinished(Event.TrainingFinished f) {
    if (!at.roundIs(f.height(), f.problemId())) {
      return;
    }
    if (!f.model().isOk()) {
      LOG.warn("Training failed round={} reason={}", f.height(), f.model().reason());
      return;
    }
    if (clock.nowMs() >= at.round.schedule.trainingDeadline()) {
      LOG.info("Training finished after the commit deadline round={}", f.height());
      return;
    }
    TrainedModel model = f.model().value();
    long h = at.round.height;
    Hash pid = f.problemId();
    Hash commitment = ModelCommit.commitment(model.hash(), me, h);
    ModelCommit commit =
        once.message(
            h,
            JournalSlot.of(JournalSlot.Kind.MODEL_COMMIT),
            MessageType.MODEL_COMMIT,
            ModelCommit.class,
            () -> ModelCommit.sign(domains, key, h, pid, commitment));
    if (commit.commitment().equals(commitment) && commit.problemId().equals(pid)) {
      at.round.myModel = model;
    } else {
      // Signed another commit for this round before (a restart, or a fork that changed the
      // problem): a second commit would be equivocation, so this model is not used.
      LOG.warn("Already committed another model this round round={}", h);
    }
    publish.accept(commit);
  }

  void maybePredict() {
    RoundState rs = at.round;
    if (rs.myModel == null || rs.testReveal == null || rs.predictionSent) {
      return;
    }
    if (clock.nowMs() >= rs.schedule.evaluationDeadline()) {
      return;
    }
    RoundProblem p = rs.problem.orElseThrow();
    Result<Bytes> predictions =
        ml.predict(p.spec(), rs.myModel.bytes(), rs.testReveal.testInputs());
    if (!predictions.isOk()) {
      LOG.warn("Prediction failed round={} reason={}", rs.height, predictions.reason());
      return;
    }
    rs.predictionSent = true;
    Hash modelHash = rs.myModel.hash();
    PredictionCommit pc =
        once.message(
            rs.height,
            JournalSlot.of(JournalSlot.Kind.PREDICTION),
            MessageType.PREDICTION_COMMIT,
            PredictionCommit.class,
            () ->
                PredictionCommit.sign(
                    domains, key, rs.height, p.id(), modelHash, predictions.value()));
    publish.accept(pc);
  }
}
