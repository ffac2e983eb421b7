package org.learnchain.node.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.learnchain.config.Genesis;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.BlockOutcome;
import org.learnchain.ledger.PendingProblem;
import org.learnchain.ledger.store.ChainStore;
import org.learnchain.node.NodeListener;
import org.learnchain.node.status.RoundTracker;
import org.learnchain.p2p.P2PNetwork;

/**
 * The node's own meters, beside those its subsystems register (p2p bytes and messages, mempool,
 * store): chain height and finality, the round's phase, time left, commits and predictions, round
 * and phase durations, model verification time, peers, training throughput and rewards paid. Gauges
 * read the store and the round tracker when scraped; the rest are fed by node events.
 */
public final class NodeMetrics implements NodeListener {
  private final Genesis genesis;
  private final ChainStore store;
  private final Timer roundDuration;
  private final MeterRegistry registry;
  private final Timer verification;
  private final Counter verificationFailures;
  private final io.micrometer.core.instrument.DistributionSummary verificationHeadroom;
  private final Counter rewardsPaid;
  private final Counter blocksRejected;
  private final Counter committedDespiteLocalCheck;
  private final AtomicLong samplesPerSecond = new AtomicLong();
  private final AtomicLong lastPaidHeight = new AtomicLong();
  private final RoundTracker tracker;

  public NodeMetrics(
      MeterRegistry registry,
      Genesis genesis,
      ChainStore store,
      RoundTracker tracker,
      P2PNetwork network) {
    this.registry = registry;
    this.genesis = genesis;
    this.store = store;
    this.tracker = tracker;
    Gauge.builder("chain.height", store, s -> s.head().height())
        .description("height of the canonical head")
        .register(registry);
    Gauge.builder("chain.finalized.height", store, ChainStore::finalizedHeight)
        .description("height below which the chain never changes")
        .register(registry);
    Gauge.builder("consensus.round", tracker, t -> t.snapshot().height())
        .description("the round being worked on (the height of the next block)")
        .register(registry);
    for (RoundTracker.Phase phase : RoundTracker.Phase.values()) {
      Gauge.builder("consensus.round.phase", tracker, t -> t.snapshot().phase() == phase ? 1 : 0)
          .description("1 for the round's current phase")
          .tag("phase", phase.id())
          .register(registry);
    }
    Gauge.builder("consensus.round.time.left", tracker, t -> t.snapshot().timeLeftMs() / 1000.0)
        .description("seconds left in the current phase")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("consensus.round.commits", tracker, t -> t.snapshot().commits())
        .description("model commits received this round")
        .register(registry);
    Gauge.builder("consensus.round.predictions", tracker, t -> t.snapshot().predictions())
        .description("prediction commits received this round")
        .register(registry);
    Gauge.builder("p2p.peers", network, n -> n.peers().size())
        .description("authenticated peers connected")
        .register(registry);
    Gauge.builder("ml.training.samples.per.second", samplesPerSecond, AtomicLong::get)
        .description("throughput of this node's last training search")
        .register(registry);
    this.roundDuration =
        Timer.builder("consensus.round.duration")
            .description("time from a block to the next on the canonical chain")
            .register(registry);
    this.verification =
        Timer.builder("ml.verification")
            .description("time to verify a published model (limits, load, re-run)")
            .register(registry);
    this.verificationFailures =
        Counter.builder("ml.verification.failures")
            .description("published models that failed verification")
            .register(registry);
    this.verificationHeadroom =
        io.micrometer.core.instrument.DistributionSummary.builder("ml.verification.headroom")
            .description(
                "per verified model: largest output difference over the tolerance (1 = limit)")
            .register(registry);
    this.rewardsPaid =
        Counter.builder("ledger.rewards.paid")
            .description("bounty units paid to winners, delegators and validators, plus subsidy")
            .baseUnit("units")
            .register(registry);
    this.blocksRejected =
        Counter.builder("consensus.blocks.rejected")
            .description("blocks that failed verification")
            .register(registry);
    this.committedDespiteLocalCheck =
        Counter.builder("consensus.committed.despite.local.check")
            .description(
                "blocks committed by more than two thirds of validators although this node's own"
                    + " model re-run disagreed (hardware differences)")
            .register(registry);
  }

  @Override
  public void committedDespiteLocalCheck(Block block, String reason) {
    committedDespiteLocalCheck.increment();
  }

  @Override
  public void blockImported(Block block, boolean head) {
    String kind =
        block.outcome() instanceof BlockOutcome.UsefulWork
            ? "useful"
            : block.outcome() instanceof BlockOutcome.Wasted ? "wasted" : "idle";
    registry.counter("consensus.blocks.imported", "kind", kind).increment();
  }

  @Override
  public void headChanged(Block head) {
    store
        .block(head.header().prevHash())
        .ifPresent(
            parent ->
                roundDuration.record(
                    Duration.ofMillis(
                        Math.max(0, head.header().timestampMs() - parent.header().timestampMs()))));
    tracker
        .finishedPhases(head.header().timestampMs())
        .ifPresent(
            p -> {
              registry.timer("consensus.phase.duration", "phase", "training").record(p.training());
              registry
                  .timer("consensus.phase.duration", "phase", "evaluation")
                  .record(p.evaluation());
              registry.timer("consensus.phase.duration", "phase", "award").record(p.award());
            });
    if (head.outcome() instanceof BlockOutcome.UsefulWork u
        && lastPaidHeight.getAndAccumulate(head.height(), Math::max) < head.height()) {
      Optional<PendingProblem> p = store.headState().problem(u.problemId());
      p.ifPresent(
          problem -> {
            long burn = problem.bounty() * genesis.rewards().bountyBurnBps() / 10_000;
            rewardsPaid.increment(problem.bounty() - burn + genesis.rewards().subsidy());
          });
    }
  }

  @Override
  public void blockRejected(Block block, String reason) {
    blocksRejected.increment();
  }

  @Override
  public void modelVerified(Hash modelHash, Duration elapsed, String reason) {
    verification.record(elapsed);
    if (!reason.isEmpty()) {
      verificationFailures.increment();
    }
  }

  @Override
  public void verificationHeadroom(Hash modelHash, double headroom) {
    verificationHeadroom.record(headroom);
  }

  @Override
  public void trainingFinished(long round, TrainingSummary summary) {
    samplesPerSecond.set(Math.round(summary.samplesPerSecond()));
  }
}
