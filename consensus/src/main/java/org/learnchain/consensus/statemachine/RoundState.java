package org.learnchain.consensus.statemachine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.learnchain.consensus.message.LabelReveal;
import org.learnchain.consensus.message.ModelCommit;
import org.learnchain.consensus.message.PredictionCommit;
import org.learnchain.consensus.message.TestReveal;
import org.learnchain.consensus.message.WinnerCertificate;
import org.learnchain.consensus.port.MlPort.TrainedModel;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.state.WorldState;

/**
 * What this node knows about the round on top of one parent block. Mutable, owned by the state
 * machine's thread; rebuilt from the message pool whenever the round restarts. Holds only messages
 * that passed the round's checks: the right problem and signer, and in time by arrival.
 */
final class RoundState {
  final long height;
  final Block parent;
  final WorldState parentState;
  final RoundSchedule schedule;
  final Optional<RoundProblem> problem;

  /** Timely commits, first per miner. */
  final Map<PublicKey, ModelCommit> commits = new LinkedHashMap<>();

  /** Timely prediction commits that open their miner's commit, first per miner. */
  final Map<PublicKey, PredictionCommit> predictions = new LinkedHashMap<>();

  TestReveal testReveal;
  LabelReveal labelReveal;

  /**
   * The round's certificate once this node has checked its ranking (against the predictions it
   * holds, or inside a verified useful block): its ranking orders the consensus rounds' proposers.
   */
  WinnerCertificate certificate;

  /** Certificates of the round's submitter seen so far, checked or not (a few at most). */
  final List<WinnerCertificate> seenCertificates = new ArrayList<>();

  /**
   * Two different certificates both passed the ranking check: the ranking is ambiguous, so it is
   * void for this height and validators propose in turn.
   */
  boolean certificateConflict;

  /** Misconduct this node already reported this round (by subject and reason), to report once. */
  final Set<String> reported = new HashSet<>();

  // This node as a miner.
  boolean trainingStarted;
  TrainedModel myModel;
  boolean predictionSent;

  RoundState(
      long height,
      Block parent,
      WorldState parentState,
      RoundSchedule schedule,
      Optional<RoundProblem> problem) {
    this.height = height;
    this.parent = parent;
    this.parentState = parentState;
    this.schedule = schedule;
    this.problem = problem;
  }

  /** The candidates this node can rank: commits opened by a prediction commit. */
  List<Ranking.Candidate> candidates() {
    List<Ranking.Candidate> out = new ArrayList<>();
    for (Map.Entry<PublicKey, PredictionCommit> e : predictions.entrySet()) {
      ModelCommit c = commits.get(e.getKey());
      if (c != null) {
        out.add(new Ranking.Candidate(c, e.getValue()));
      }
    }
    return out;
  }
}
