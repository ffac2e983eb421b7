package org.learnchain.node.explorer;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.learnchain.consensus.message.ConsensusMessage;
import org.learnchain.consensus.message.LabelReveal;
import org.learnchain.consensus.message.ModelCommit;
import org.learnchain.consensus.message.PredictionCommit;
import org.learnchain.consensus.message.TestReveal;
import org.learnchain.consensus.message.WinnerCertificate;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Block;
import org.learnchain.node.NodeListener;
import org.learnchain.node.status.RoundTracker;

/**
 * Turns node events into the explorer's live stream and fans them out to the connected pages. Each
 * subscriber has its own bounded queue: a page that stops reading overflows its own queue and is
 * dropped (it reconnects and reloads), so a slow browser never holds up the consensus thread that
 * calls these listeners.
 *
 * <p>Event types (the SSE {@code event:} field): {@code phase} (a round started or its phase
 * changed; the round view), {@code commit}, {@code prediction}, {@code testReveal}, {@code
 * labelReveal}, {@code certificate}, {@code block} (a new canonical head), {@code finalized} and
 * {@code verified} (this node re-ran a published model). Each data field is one JSON object with
 * {@code type} and {@code timeMs} (when the node saw it).
 */
public final class ExplorerEvents implements NodeListener {
  static final int QUEUE = 1024;

  /** One event as sent: its sequence number, type and JSON text. */
  record Event(long id, String type, String json) {}

  /** One connected page. */
  static final class Subscriber {
    private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE);
    private volatile boolean overflowed;

    /** The next event, or null after {@code timeoutMs} without one. */
    Event poll(long timeoutMs) throws InterruptedException {
      return queue.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }

    boolean overflowed() {
      return overflowed;
    }
  }

  private final RoundTracker tracker;
  private final LongSupplier clock;
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private final AtomicLong sequence = new AtomicLong();
  private long lastRound = -1;
  private RoundTracker.Phase lastPhase;

  ExplorerEvents(RoundTracker tracker, LongSupplier clock) {
    this.tracker = tracker;
    this.clock = clock;
  }

  Subscriber subscribe() {
    Subscriber s = new Subscriber();
    subscribers.add(s);
    return s;
  }

  void unsubscribe(Subscriber s) {
    subscribers.remove(s);
  }

  int subscriberCount() {
    return subscribers.size();
  }

  /** Sends one event to one subscriber only (its greeting). */
  void publishTo(Subscriber s, String type, JsonObject data) {
    data.addProperty("type", type);
    data.addProperty("timeMs", clock.getAsLong());
    if (!s.queue.offer(new Event(sequence.incrementAndGet(), type, data.toString()))) {
      s.overflowed = true;
    }
  }

  void publish(String type, JsonObject data) {
    if (subscribers.isEmpty()) {
      return;
    }
    data.addProperty("type", type);
    data.addProperty("timeMs", clock.getAsLong());
    Event e = new Event(sequence.incrementAndGet(), type, data.toString());
    for (Subscriber s : subscribers) {
      if (!s.queue.offer(e)) {
        s.overflowed = true;
      }
    }
  }

  /**
   * Publishes the round view when the round or its phase changed since the last call. Phases move
   * with time as well as with reveals, so the server calls this on a timer too.
   */
  synchronized void checkPhase() {
    RoundTracker.Snapshot s = tracker.snapshot();
    if (s.height() != lastRound || s.phase() != lastPhase) {
      lastRound = s.height();
      lastPhase = s.phase();
      publish("phase", ExplorerJson.round(s, clock.getAsLong()));
    }
  }

  @Override
  public void roundStarted(long height, boolean hasProblem) {
    checkPhase();
  }

  @Override
  public void consensusMessage(ConsensusMessage m, boolean own) {
    if (m instanceof ModelCommit c) {
      publish("commit", ExplorerJson.commit(c));
    } else if (m instanceof PredictionCommit p) {
      publish("prediction", ExplorerJson.prediction(p));
    } else if (m instanceof TestReveal) {
      publish("testReveal", roundOnly(m.round()));
      checkPhase();
    } else if (m instanceof LabelReveal) {
      publish("labelReveal", roundOnly(m.round()));
      checkPhase();
    } else if (m instanceof WinnerCertificate wc) {
      publish("certificate", ExplorerJson.certificate(wc));
    }
  }

  @Override
  public void headChanged(Block head) {
    // Finality is not known here without reading the store; the page asks for it on finalized.
    publish("block", ExplorerJson.block(head, -1));
  }

  @Override
  public void finalized(Hash hash, long height) {
    committed(hash, height);
  }

  /**
   * The one place that maps consensus's finality event to the stream, so that a rename of the event
   * (finalized to committed) touches this adapter only; pages see {@code finalized} either way.
   */
  private void committed(Hash hash, long height) {
    JsonObject o = new JsonObject();
    o.addProperty("height", height);
    o.addProperty("hash", hash.toHex());
    publish("finalized", o);
  }

  @Override
  public void modelVerified(Hash modelHash, Duration elapsed, String reason) {
    JsonObject o = new JsonObject();
    o.addProperty("modelHash", modelHash.toHex());
    o.addProperty("verifyMs", elapsed.toMillis());
    o.addProperty("valid", reason.isEmpty());
    if (!reason.isEmpty()) {
      o.addProperty("reason", reason);
    }
    publish("verified", o);
  }

  private static JsonObject roundOnly(long round) {
    JsonObject o = new JsonObject();
    o.addProperty("round", round);
    return o;
  }
}
