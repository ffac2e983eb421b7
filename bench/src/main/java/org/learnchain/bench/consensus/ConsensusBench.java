package org.learnchain.bench.consensus;

import java.util.Locale;
import org.learnchain.consensus.ConsensusConfig;
import org.learnchain.consensus.message.ChainDomains;
import org.learnchain.consensus.statemachine.BlockVerifier;
import org.learnchain.consensus.statemachine.Committee;
import org.learnchain.consensus.statemachine.SignatureCache;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.simulation.Cluster;
import org.learnchain.simulation.LinearRegressionMl;
import org.learnchain.simulation.PaperTask;
import org.learnchain.simulation.SimNode;
import org.learnchain.simulation.Simulation;

/**
 * Consensus figures, printed as one JSON object ({@code learnchain bench consensus}): how many
 * simulated rounds per second five nodes and a client sustain on one thread (the cost of the
 * consensus and ledger code per round, since the rounds' time is simulated), and how long full
 * verification of one useful-work block takes with cold signature caches.
 */
public final class ConsensusBench {

  /** What one run measured. */
  public record Figures(
      long simulatedRounds,
      double seconds,
      double roundsPerSecond,
      double usefulBlockVerifyMicros,
      int usefulBlockBytes) {
    /** One JSON object. */
    public String toJson() {
      return String.format(
          Locale.ROOT,
          "{\"simulatedRounds\":%d,\"nodes\":6,\"seconds\":%.2f,\"roundsPerSecond\":%.1f,"
              + "\"usefulBlockVerifyMicros\":%.1f,\"usefulBlockBytes\":%d}",
          simulatedRounds,
          seconds,
          roundsPerSecond,
          usefulBlockVerifyMicros,
          usefulBlockBytes);
    }
  }

  private ConsensusBench() {}

  /**
   * Simulates {@code rounds} honest rounds on the real consensus code and times the full
   * verification of one useful-work block.
   */
  public static Figures run(int rounds) {
    // Warm-up, then the measured run.
    Simulation.run("honest", 30, 7);
    long t0 = System.nanoTime();
    Simulation.ScenarioResult r = Simulation.run("honest", rounds, 8).get(0);
    double seconds = (System.nanoTime() - t0) / 1e9;

    Cluster c = Cluster.builder().nodes(5).seed(9).build();
    c.start();
    for (int i = 0; i < 3; i++) {
      c.submitProblem(
          i,
          PaperTask.spec(),
          PaperTask.trainingSet(),
          PaperTask.encode(PaperTask.X_TEST),
          PaperTask.encode(PaperTask.Y_TEST),
          PaperTask.X_TEST.length,
          100);
    }
    SimNode n = c.node(0);
    c.runUntil(() -> usefulBlock(n).isPresent(), c.clock().nowMs() + 60_000);
    Block useful =
        usefulBlock(n).orElseThrow(() -> new IllegalStateException("no useful block produced"));
    Block parent = n.chain().block(useful.header().prevHash()).orElseThrow();
    var parentState = n.chain().stateAfter(parent.hash()).orElseThrow();
    ConsensusConfig config = ConsensusConfig.of(c.genesis());
    ChainDomains domains = new ChainDomains(c.genesis().chainId());
    int iterations = 2_000;
    long v0 = 0;
    for (int i = -200; i < iterations; i++) {
      if (i == 0) {
        v0 = System.nanoTime();
      }
      BlockVerifier verifier =
          new BlockVerifier(
              config,
              domains,
              new Committee(c.genesis()),
              n.chain(),
              LinearRegressionMl.honest(1),
              new SignatureCache(64));
      if (!(verifier.verify(useful, parent, parentState) instanceof BlockVerifier.Accepted)) {
        throw new IllegalStateException("benchmark block failed verification");
      }
    }
    double verifyMicros = (System.nanoTime() - v0) / 1e3 / iterations;
    return new Figures(
        r.usefulBlocks(),
        seconds,
        r.usefulBlocks() / seconds,
        verifyMicros,
        useful.encode().length);
  }

  private static java.util.Optional<Block> usefulBlock(SimNode n) {
    long top = n.chain().head().height();
    for (long h = 1; h <= top; h++) {
      Block b = n.chain().block(n.chain().canonicalHash(h).orElseThrow()).orElseThrow();
      if (b.outcome() instanceof BlockOutcome.UsefulWork) {
        return java.util.Optional.of(b);
      }
    }
    return java.util.Optional.empty();
  }
}
