package org.learnchain.node.api;

import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A server stream fed by polling on the API scheduler: {@link #poll} runs every {@code tickMs} (one
 * run at a time) until the client cancels or the stream {@link #finish}es.
 */
abstract class PolledStream<T> {
  final ServerCallStreamObserver<T> out;
  private final ScheduledExecutorService scheduler;
  private final long tickMs;
  private volatile ScheduledFuture<?> task;
  private volatile boolean done;

  PolledStream(ServerCallStreamObserver<T> out, ScheduledExecutorService scheduler, long tickMs) {
    this.out = out;
    this.scheduler = scheduler;
    this.tickMs = tickMs;
  }

  final void start() {
    out.setOnCancelHandler(this::finish);
    task = scheduler.scheduleWithFixedDelay(this::tick, 0, tickMs, TimeUnit.MILLISECONDS);
  }

  /** Stops polling; the caller completes or fails the stream itself. */
  final void finish() {
    done = true;
    ScheduledFuture<?> t = task;
    if (t != null) {
      t.cancel(false);
    }
  }

  private void tick() {
    if (done || out.isCancelled()) {
      finish();
      return;
    }
    poll();
  }

  /** One look at the node: sends what changed since the last. */
  abstract void poll();
}
