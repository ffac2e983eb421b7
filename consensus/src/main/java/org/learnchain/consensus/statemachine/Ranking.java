package org.learnchain.consensus.statemachine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.message.ModelCommit;
import org.learnchain.consensus.message.PredictionCommit;
import org.learnchain.consensus.message.WinnerCertificate.RankEntry;
import org.learnchain.consensus.port.MlPort;

/**
 * The ranking every peer recomputes (docs/protocol.md section 3, step 3): each eligible miner's
 * committed predictions scored against the revealed labels, best first. Ties go to the lower
 * commitment value, which no miner can choose freely (it hashes the model, the key and the round),
 * so the order is deterministic without favouring a fixed key.
 */
public final class Ranking {
  private Ranking() {}

  /** A miner whose commit is opened by its prediction commit. */
  public record Candidate(ModelCommit commit, PredictionCommit prediction) {}

  /** A scored candidate. */
  public record Ranked(ModelCommit commit, PredictionCommit prediction, double score) {
    public RankEntry entry() {
      return new RankEntry(commit.miner(), score);
    }
  }

  private static final Comparator<Ranked> ORDER =
      Comparator.comparingDouble(Ranked::score)
          .reversed()
          .thenComparing(r -> r.commit().commitment());

  /**
   * Scores and sorts the candidates. Candidates whose predictions cannot be scored (malformed,
   * wrong count) are left out, as are ones whose prediction does not open their commitment.
   */
  public static List<Ranked> rank(
      List<Candidate> candidates, Bytes spec, Bytes labels, int sampleCount, MlPort ml) {
    List<Ranked> out = new ArrayList<>(candidates.size());
    for (Candidate c : candidates) {
      if (!c.commit().opensWith(c.prediction().modelHash())) {
        continue;
      }
      Result<Double> s = ml.score(spec, c.prediction().predictions(), labels, sampleCount);
      if (s.isOk() && Double.isFinite(s.value())) {
        out.add(new Ranked(c.commit(), c.prediction(), s.value()));
      }
    }
    out.sort(ORDER);
    return out;
  }

  public static List<RankEntry> entries(List<Ranked> ranked) {
    return ranked.stream().map(Ranked::entry).toList();
  }
}
