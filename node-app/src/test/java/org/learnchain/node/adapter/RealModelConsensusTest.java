package org.learnchain.node.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.learnchain.config.ModelLimits;
import org.learnchain.config.RoundDurations;
import org.learnchain.consensus.Bytes;
import org.learnchain.consensus.message.WorkSection;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.PendingProblem;
import org.learnchain.ledger.ProblemStatus;
import org.learnchain.ml.MlRuntime;
import org.learnchain.ml.model.ModelCodec;
import org.learnchain.ml.train.SearchPlan;
import org.learnchain.node.NodeListener;
import org.learnchain.node.problem.BuiltinProblem;
import org.learnchain.simulation.Cluster;
import org.learnchain.simulation.SimNode;

/**
 * The consensus honest path with real DL4J models: the production state machine of four nodes on
 * consensus's simulated cluster, each with node-app's ML adapter over ml-engine (the consensus
 * module's own tests can only use plain-Java models). Training runs on the simulation's thread, so
 * the simulated clock stands still while a model trains and the search gets a real-time budget.
 */
class RealModelConsensusTest {

  @Test
  void fourNodesTrainVerifyAndAgreeOnIrisWithDl4jModels() {
    MlRuntime runtime = MlRuntime.start(1);
    BuiltinProblem iris = BuiltinProblem.load("iris", ModelLimits.defaults()).orElseThrow().value();
    Map<Hash, Integer> verified = new ConcurrentHashMap<>();
    NodeListener counting =
        new NodeListener() {
          @Override
          public void modelVerified(Hash modelHash, Duration elapsed, String reason) {
            if (reason.isEmpty()) {
              verified.merge(modelHash, 1, Integer::sum);
            }
          }
        };
    AtomicReference<Cluster> cluster = new AtomicReference<>();
    Cluster c =
        Cluster.builder()
            .nodes(4)
            .seed(5)
            .limits(ModelLimits.defaults())
            .rounds(new RoundDurations(1_500, 1_000, 1_000, 200))
            .tolerance(1e-5)
            .ml(
                (i, secrets) ->
                    new DlMlPort(
                        new DlMlPort.Settings(
                            1,
                            SearchPlan.defaults().withMaxCandidates(2).withMaxEpochs(30),
                            100,
                            10_000,
                            10_000),
                        runtime,
                        () -> cluster.get().clock().nowMs(),
                        Runnable::run,
                        counting))
            .build();
    cluster.set(c);
    c.start();
    List<Hash> problems = new ArrayList<>();
    for (int k = 0; k < 2; k++) {
      problems.add(
          c.submitProblem(
              k,
              Bytes.own(iris.spec().encode()),
              Bytes.own(TrainingSets.encode(iris.train())),
              Bytes.own(iris.test().inputs().encode()),
              Bytes.own(iris.test().labels().encode()),
              iris.test().count(),
              500 - k));
    }
    boolean done =
        c.runUntil(
            () -> c.nodes().stream().allMatch(n -> usefulBlocks(n).size() >= 2),
            c.clock().nowMs() + 120_000);
    assertTrue(done, "two useful-work blocks on every node");

    SimNode ref = c.node(0);
    List<Block> refUseful = usefulBlocks(ref);
    for (SimNode n : c.nodes()) {
      assertTrue(n.recorder().rejected().isEmpty(), "rejected: " + n.recorder().rejected());
      List<Block> mine = usefulBlocks(n);
      for (int i = 0; i < 2; i++) {
        assertEquals(refUseful.get(i).hash(), mine.get(i).hash(), "same useful blocks");
        assertEquals(
            refUseful.get(i).header().stateRoot(), mine.get(i).header().stateRoot(), "same roots");
      }
    }
    for (Block b : refUseful.subList(0, 2)) {
      BlockOutcome.UsefulWork u = (BlockOutcome.UsefulWork) b.outcome();
      PendingProblem p = ref.headState().problem(u.problemId()).orElseThrow();
      assertEquals(ProblemStatus.SOLVED, p.status());
      assertNotEquals(p.submitter(), u.winner(), "the submitter never wins its own problem");
      WorkSection.Useful work = (WorkSection.Useful) WorkSection.decode(b.work()).value();
      // The block's model is a real DL4J model in canonical bytes, bound to the header.
      byte[] model = work.model().toArray();
      assertEquals(b.header().modelHash(), ModelCodec.hash(model));
      assertEquals(3, work.certificate().ranking().size(), "every eligible miner was ranked");
      assertTrue(
          work.certificate().score() > 0.5,
          "a trained model beats a uniform guess (1/3): " + work.certificate().score());
      assertTrue(
          verified.getOrDefault(b.header().modelHash(), 0) >= 4,
          "every node re-ran the winning model: " + verified.get(b.header().modelHash()));
    }
    assertTrue(problems.stream().allMatch(id -> ref.headState().problem(id).isPresent()));
  }

  private static List<Block> usefulBlocks(SimNode n) {
    List<Block> out = new ArrayList<>();
    for (long h = 1; h <= n.chain().head().height(); h++) {
      Block b = n.chain().block(n.chain().canonicalHash(h).orElseThrow()).orElseThrow();
      if (b.outcome() instanceof BlockOutcome.UsefulWork) {
        out.add(b);
      }
    }
    return out;
  }
}
