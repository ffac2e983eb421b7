package org.learnchain.node.status;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.learnchain.config.Genesis;
import org.learnchain.consensus.message.ConsensusMessage;
import org.learnchain.consensus.message.LabelReveal;
import org.learnchain.consensus.message.ModelCommit;
import org.learnchain.consensus.message.PredictionCommit;
import org.learnchain.consensus.message.TestReveal;
import org.learnchain.consensus.message.WinnerCertificate;
import org.learnchain.consensus.port.Clock;
import org.learnchain.consensus.statemachine.RoundSchedule;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.PendingProblem;
import org.learnchain.ledger.store.ChainStore;
import org.learnchain.ml.train.TrainingProgress;
import org.learnchain.node.NodeListener;

/**
 * A node's live view of the round being worked on, built from the events it sees: the phase and the
 * time left (from the round schedule every node computes from the parent block), the commits,
 * predictions and reveals received, the best validation score of this node's own training, and the
 * winner's certificate. The status API, the watch stream, metrics and the devnet read {@link
 * #snapshot()}; events arrive on several threads, hence the lock.
 */
public final class RoundTracker implements NodeListener {
  private static final int REMEMBERED_VERIFICATIONS = 256;

  private final Genesis genesis;
  private final ChainStore store;
  private final Clock clock;

  private long height;
  private long parentTimestampMs;
  private Optional<PendingProblem> problem = Optional.empty();
  private final Set<PublicKey> commits = new HashSet<>();
  private final Set<PublicKey> predictions = new HashSet<>();
  private boolean testRevealed;
  private boolean labelsRevealed;
  private WinnerCertificate certificate;
  private double bestValidationScore = Double.NaN;
  private long roundStartedAtMs;
  private long testRevealedAtMs;
  private long labelsRevealedAtMs;
  private final Map<Hash, Duration> verifications =
      new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Hash, Duration> eldest) {
          return size() > REMEMBERED_VERIFICATIONS;
        }
      };

  public RoundTracker(Genesis genesis, ChainStore store, Clock clock) {
    this.genesis = genesis;
    this.store = store;
    this.clock = clock;
    Block head = store.head();
    this.height = head.height() + 1;
    this.parentTimestampMs = head.header().timestampMs();
    this.roundStartedAtMs = clock.nowMs();
  }

  /** Where a round stands. */
  public enum Phase {
    /** No problem pending: a validator builds a block with transactions only. */
    IDLE,
    /** Miners train and commit. */
    TRAINING,
    /** The test inputs are out; miners commit predictions. */
    EVALUATING,
    /** The labels are out; the winner is certified and builds the block. */
    AWARDING;

    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * One moment of the round.
   *
   * @param timeLeftMs until the end of the current phase (the award deadline of attempt 0 while
   *     awarding; until the earliest idle block when idle); never negative
   * @param bestValidationScore best validation score of this node's training this round (NaN)
   * @param winner the certified winner, once a certificate arrived
   * @param winnerScore its score (NaN before)
   */
  public record Snapshot(
      long height,
      Phase phase,
      long timeLeftMs,
      Optional<Hash> problemId,
      Optional<Address> submitter,
      int commits,
      int predictions,
      boolean testRevealed,
      boolean labelsRevealed,
      double bestValidationScore,
      Optional<Address> winner,
      double winnerScore) {}

  /** Durations of the phases of a finished round, as this node saw them. */
  public record PhaseTimes(Duration training, Duration evaluation, Duration award) {}

  public synchronized Snapshot snapshot() {
    long now = clock.nowMs();
    RoundSchedule schedule = new RoundSchedule(parentTimestampMs, genesis.rounds());
    Phase phase;
    long end;
    if (problem.isEmpty()) {
      phase = Phase.IDLE;
      end = schedule.earliestFallbackBlock(false);
    } else if (now < schedule.trainingDeadline() && !testRevealed) {
      phase = Phase.TRAINING;
      end = schedule.trainingDeadline();
    } else if (now < schedule.evaluationDeadline() && !labelsRevealed) {
      phase = Phase.EVALUATING;
      end = schedule.evaluationDeadline();
    } else {
      phase = Phase.AWARDING;
      end = schedule.awardDeadline();
    }
    return new Snapshot(
        height,
        phase,
        Math.max(0, end - now),
        problem.map(PendingProblem::id),
        problem.map(PendingProblem::submitter),
        commits.size(),
        predictions.size(),
        testRevealed,
        labelsRevealed,
        bestValidationScore,
        Optional.ofNullable(certificate).map(c -> c.winner().address()),
        certificate == null ? Double.NaN : certificate.score());
  }

  /** This node's verification time of the model {@code modelHash}, if it verified it. */
  public synchronized Optional<Duration> verificationTime(Hash modelHash) {
    return Optional.ofNullable(verifications.get(modelHash));
  }

  /**
   * The phase durations of the round that just ended, measured from this node's view of the
   * reveals; empty for a round without a problem or without both reveals.
   */
  public synchronized Optional<PhaseTimes> finishedPhases(long blockTimestampMs) {
    if (problem.isEmpty() || testRevealedAtMs == 0 || labelsRevealedAtMs == 0) {
      return Optional.empty();
    }
    return Optional.of(
        new PhaseTimes(
            Duration.ofMillis(Math.max(0, testRevealedAtMs - parentTimestampMs)),
            Duration.ofMillis(Math.max(0, labelsRevealedAtMs - testRevealedAtMs)),
            Duration.ofMillis(Math.max(0, blockTimestampMs - labelsRevealedAtMs))));
  }

  @Override
  public synchronized void roundStarted(long round, boolean hasProblem) {
    Block head = store.head();
    height = round;
    parentTimestampMs =
        head.height() == round - 1 ? head.header().timestampMs() : parentTimestampMs;
    problem =
        hasProblem && head.height() == round - 1
            ? store.headState().selectProblem()
            : Optional.empty();
    commits.clear();
    predictions.clear();
    testRevealed = false;
    labelsRevealed = false;
    certificate = null;
    bestValidationScore = Double.NaN;
    roundStartedAtMs = clock.nowMs();
    testRevealedAtMs = 0;
    labelsRevealedAtMs = 0;
  }

  @Override
  public synchronized void consensusMessage(ConsensusMessage m, boolean own) {
    if (m.round() != height) {
      return;
    }
    if (m instanceof ModelCommit c) {
      commits.add(c.miner());
    } else if (m instanceof PredictionCommit p) {
      predictions.add(p.miner());
    } else if (m instanceof TestReveal) {
      if (!testRevealed) {
        testRevealedAtMs = clock.nowMs();
      }
      testRevealed = true;
    } else if (m instanceof LabelReveal) {
      if (!labelsRevealed) {
        labelsRevealedAtMs = clock.nowMs();
      }
      labelsRevealed = true;
    } else if (m instanceof WinnerCertificate wc) {
      if (certificate == null || wc.attempt() > certificate.attempt()) {
        certificate = wc;
      }
    }
  }

  @Override
  public synchronized void trainingProgress(long round, TrainingProgress p) {
    if (round != height || Double.isNaN(p.bestScore())) {
      return;
    }
    bestValidationScore = p.bestScore();
  }

  @Override
  public synchronized void modelVerified(Hash modelHash, Duration elapsed, String reason) {
    if (reason.isEmpty()) {
      verifications.put(modelHash, elapsed);
    }
  }

  /** When this round started on this node (wall time of the event). */
  public synchronized long roundStartedAtMs() {
    return roundStartedAtMs;
  }
}
