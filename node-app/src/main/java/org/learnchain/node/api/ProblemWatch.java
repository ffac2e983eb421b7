package org.learnchain.node.api;

import io.grpc.stub.ServerCallStreamObserver;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import org.learnchain.crypto.Hash;
import org.learnchain.node.status.ProblemView;
import org.learnchain.node.status.RoundTracker;
import org.learnchain.proto.api.ProblemEvent;

/**
 * One {@code WatchProblem} stream: ticks every {@value #TICK_MS} ms on the API scheduler and sends
 * the problem's state when it changed, as a heartbeat every {@value #HEARTBEAT_MS} ms otherwise,
 * and a last time when it is final; it stops when the client cancels or the problem leaves the
 * pool.
 */
final class ProblemWatch extends PolledStream<ProblemEvent> {
  static final long TICK_MS = 250;
  static final long HEARTBEAT_MS = 1_000;

  private final ApiContext ctx;
  private final Hash id;
  private ProblemEvent last;
  private long lastSentMs;

  ProblemWatch(
      ApiContext ctx,
      ScheduledExecutorService scheduler,
      Hash id,
      ServerCallStreamObserver<ProblemEvent> out) {
    super(out, scheduler, TICK_MS);
    this.ctx = ctx;
    this.id = id;
  }

  @Override
  void poll() {
    Optional<ProblemView> v = ProblemView.of(id, ctx.store(), ctx.tracker(), ctx.mempool());
    if (v.isEmpty()) {
      finish();
      out.onError(ApiErrors.notFound("problem " + id.toShortHex() + " left the pool"));
      return;
    }
    ProblemEvent e = event(v.get());
    long now = System.currentTimeMillis();
    boolean changed =
        last == null
            || !last.toBuilder()
                .setAtMs(0)
                .setTimeLeftMs(0)
                .build()
                .equals(e.toBuilder().setAtMs(0).setTimeLeftMs(0).build());
    if (changed || now - lastSentMs >= HEARTBEAT_MS || e.getFinal()) {
      out.onNext(e);
      last = e;
      lastSentMs = now;
    }
    if (e.getFinal()) {
      finish();
      out.onCompleted();
    }
  }

  private ProblemEvent event(ProblemView v) {
    RoundTracker.Snapshot s = ctx.tracker().snapshot();
    boolean current = s.problemId().map(id::equals).orElse(false);
    ProblemEvent.Builder b =
        ProblemEvent.newBuilder()
            .setAtMs(System.currentTimeMillis())
            .setState(v.state().id())
            .setHeight(v.height())
            .setBestScore(Double.NaN)
            .setFinal(v.state().closed());
    if (current && !v.state().closed()) {
      b.setRound(s.height())
          .setTimeLeftMs(s.timeLeftMs())
          .setCommits(s.commits())
          .setPredictions(s.predictions())
          .setBestScore(s.winnerScore());
      s.winner().ifPresent(w -> b.setWinner(ProtoViews.bytes(w)));
    }
    if (v.state() == ProblemView.State.SOLVED) {
      b.setBestScore(v.score()).setRound(v.height());
      v.winner().ifPresent(w -> b.setWinner(ProtoViews.bytes(w)));
      v.blockHash().ifPresent(h -> b.setBlockHash(ProtoViews.bytes(h)));
    }
    return b.build();
  }
}
