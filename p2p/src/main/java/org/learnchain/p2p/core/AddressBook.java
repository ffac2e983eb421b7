package org.learnchain.p2p.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.learnchain.crypto.PublicKey;
import org.learnchain.p2p.PeerAddress;

/**
 * Where members listen (from their signed records), the bootnodes, and when each address may be
 * dialled again. Holds at most one record per member key, so it is bounded by the membership plus
 * the configured bootnodes.
 */
public final class AddressBook {
  /** An address to dial and the key it should answer with, when known. */
  public record Candidate(PeerAddress address, Optional<PublicKey> expectedKey) {}

  private static final class Backoff {
    int failures;
    long nextAttemptNanos;
  }

  private final long minBackoffNanos;
  private final long maxBackoffNanos;
  private final Map<PublicKey, PeerRecord> records = new HashMap<>();
  private final Set<PeerAddress> bootnodes = new LinkedHashSet<>();
  private final Map<PeerAddress, PublicKey> learnedKeys = new HashMap<>();
  private final Map<PeerAddress, Backoff> backoff = new HashMap<>();

  public AddressBook(Duration minBackoff, Duration maxBackoff) {
    this.minBackoffNanos = minBackoff.toNanos();
    this.maxBackoffNanos = maxBackoff.toNanos();
  }

  public synchronized void addBootnode(PeerAddress address) {
    bootnodes.add(address);
  }

  /**
   * Stores {@code record} (already verified and from a member) unless a record with the same or a
   * larger seq is known. Returns true when it was stored and the address is new for that key.
   */
  public synchronized boolean update(PeerRecord record) {
    PeerRecord old = records.get(record.key());
    if (old != null && old.seq() >= record.seq()) {
      return false;
    }
    records.put(record.key(), record);
    return old == null || !old.address().equals(record.address());
  }

  public synchronized Optional<PeerRecord> record(PublicKey key) {
    return Optional.ofNullable(records.get(key));
  }

  public synchronized List<PeerRecord> records() {
    return new ArrayList<>(records.values());
  }

  /**
   * Addresses worth dialling now, in random order: members' records first, then bootnodes; skipping
   * addresses whose backoff runs and keys for which {@code skipKey} holds (connected, banned,
   * self).
   */
  public synchronized List<Candidate> candidates(long nowNanos, Predicate<PublicKey> skipKey) {
    List<Candidate> fromRecords = new ArrayList<>();
    Set<PeerAddress> seen = new LinkedHashSet<>();
    for (PeerRecord r : records.values()) {
      seen.add(r.address());
      if (!skipKey.test(r.key()) && ready(r.address(), nowNanos)) {
        fromRecords.add(new Candidate(r.address(), Optional.of(r.key())));
      }
    }
    List<Candidate> fromBootnodes = new ArrayList<>();
    for (PeerAddress a : bootnodes) {
      if (seen.contains(a)) {
        continue;
      }
      PublicKey known = learnedKeys.get(a);
      if ((known == null || !skipKey.test(known)) && ready(a, nowNanos)) {
        fromBootnodes.add(new Candidate(a, Optional.empty()));
      }
    }
    java.util.Collections.shuffle(fromRecords, ThreadLocalRandom.current());
    List<Candidate> all = new ArrayList<>(fromRecords);
    all.addAll(fromBootnodes);
    return all;
  }

  private boolean ready(PeerAddress a, long nowNanos) {
    Backoff b = backoff.get(a);
    return b == null || nowNanos - b.nextAttemptNanos >= 0;
  }

  /**
   * Doubles the address's backoff (with +-20% jitter, so restarted nodes are not dialled in step).
   */
  public synchronized long dialFailed(PeerAddress address, long nowNanos) {
    Backoff b = backoff.computeIfAbsent(address, a -> new Backoff());
    b.failures = Math.min(b.failures + 1, 62);
    long delay = minBackoffNanos;
    for (int i = 1; i < b.failures && delay < maxBackoffNanos; i++) {
      delay *= 2;
    }
    delay = Math.min(delay, maxBackoffNanos);
    double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
    long d = (long) (delay * jitter);
    b.nextAttemptNanos = nowNanos + d;
    return d;
  }

  /**
   * A session with {@code key} came up over {@code address}: forget its failures. A connection that
   * later drops is re-dialled after the minimum backoff.
   */
  public synchronized void dialSucceeded(PeerAddress address, PublicKey key, long nowNanos) {
    learnedKeys.put(address, key);
    Backoff b = backoff.computeIfAbsent(address, a -> new Backoff());
    b.failures = 0;
    b.nextAttemptNanos = nowNanos;
  }

  /** Delays the next dial of a member's address after its session ended. */
  public synchronized void sessionEnded(PublicKey key, long nowNanos) {
    PeerRecord r = records.get(key);
    if (r != null) {
      Backoff b = backoff.computeIfAbsent(r.address(), a -> new Backoff());
      b.nextAttemptNanos = nowNanos + minBackoffNanos;
    }
  }
}
