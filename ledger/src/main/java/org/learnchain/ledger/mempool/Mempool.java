package org.learnchain.ledger.mempool;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.ledger.Account;
import org.learnchain.ledger.Decoded;
import org.learnchain.ledger.LedgerLimits;
import org.learnchain.ledger.RejectReason;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.TxRejection;
import org.learnchain.ledger.state.StateTransition;
import org.learnchain.ledger.state.WorldState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transactions waiting for a block. Every entry was valid against the head state when it arrived (a
 * transaction whose nonce is its sender's next passes the full state check; a later one passes
 * every stateless check and the sender's balance covers it), and waits in its sender's nonce order:
 * a gapped transaction is kept but not offered to builders until the gap closes.
 *
 * <p>Bounded in count, bytes and per sender. When full, the pool evicts predictably: first the
 * transactions that cannot run yet (behind a missing nonce), then the others; within each, lowest
 * fee first, among equal fees the newest first. Evicting a transaction also evicts its sender's
 * later nonces, which could never execute without it. A newcomer that would itself be evicted is
 * refused with {@link RejectReason#POOL_FULL} and the pool is left unchanged. Waiting transactions
 * going first keeps a pool full of them from refusing the very transaction that closes their gap,
 * which would leave every block empty for good (docs/protocol.md, transaction pool). A same-sender
 * same-nonce transaction replaces the pooled one only with a strictly higher fee.
 *
 * <p>Thread-safe (gRPC threads add, the consensus thread takes batches).
 */
public final class Mempool {
  private static final Logger LOG = LoggerFactory.getLogger(Mempool.class);

  private final StateTransition transition;
  private final MempoolConfig config;
  private final Map<Hash, Entry> byHash = new HashMap<>();
  private final Map<Address, TreeMap<Long, Entry>> bySender = new HashMap<>();
  private final TreeSet<Entry> evictionOrder = new TreeSet<>(EVICTION_ORDER);
  private final Map<RejectReason, Counter> rejections = new EnumMap<>(RejectReason.class);
  private final MeterRegistry registry;
  private long bytes;
  private long sequence;

  private static final class Entry {
    final SignedTransaction tx;
    final Hash hash;
    final Address sender;
    final int size;
    final long seq;
    // Runnable on the head last seen: its sender's next nonce, or right after a runnable one.
    // Changed only while out of evictionOrder, under the pool's lock.
    boolean ready;

    Entry(SignedTransaction tx, Hash hash, Address sender, int size, long seq) {
      this.tx = tx;
      this.hash = hash;
      this.sender = sender;
      this.size = size;
      this.seq = seq;
    }
  }

  /**
   * Those that cannot run first; then lowest fee first; among equal fees the newest (highest
   * arrival number) first.
   */
  private static final Comparator<Entry> EVICTION_ORDER =
      Comparator.<Entry, Boolean>comparing(e -> e.ready)
          .thenComparingLong(e -> e.tx.fee())
          .thenComparingLong(e -> -e.seq);

  /** Builders' order: highest fee first, then oldest. */
  private static final Comparator<Entry> PRIORITY =
      Comparator.<Entry>comparingLong(e -> -e.tx.fee()).thenComparingLong(e -> e.seq);

  public Mempool(StateTransition transition, MempoolConfig config, MeterRegistry registry) {
    this.transition = transition;
    this.config = config;
    this.registry = registry;
    Gauge.builder("ledger_mempool_transactions", this, Mempool::size)
        .description("transactions waiting in the mempool")
        .register(registry);
    Gauge.builder("ledger_mempool_bytes", this, Mempool::bytes)
        .description("encoded bytes waiting in the mempool")
        .register(registry);
  }

  /** Decodes and adds untrusted bytes; malformed bytes are a {@link RejectReason#MALFORMED}. */
  public Admission addEncoded(byte[] encoded, WorldState head) {
    if (encoded.length > LedgerLimits.MAX_TRANSACTION_BYTES || encoded.length > config.maxBytes()) {
      return reject(RejectReason.TOO_LARGE, "transaction of " + encoded.length + " bytes");
    }
    Decoded<SignedTransaction> d = SignedTransaction.tryDecode(encoded);
    if (d instanceof Decoded.Malformed<SignedTransaction> m) {
      return reject(RejectReason.MALFORMED, m.reason());
    }
    return add(((Decoded.Ok<SignedTransaction>) d).value(), head);
  }

  /**
   * Validates {@code tx} against {@code head} and takes it in, or says why not. The signature and
   * state checks run outside the pool's lock, so concurrent submitters verify in parallel.
   */
  public Admission add(SignedTransaction tx, WorldState head) {
    byte[] encoding = tx.encode();
    if (encoding.length > LedgerLimits.MAX_TRANSACTION_BYTES
        || encoding.length > config.maxBytes()) {
      return reject(RejectReason.TOO_LARGE, "transaction of " + encoding.length + " bytes");
    }
    Hash hash = Hashing.sha256(encoding);
    if (contains(hash)) {
      return reject(RejectReason.DUPLICATE, "transaction " + hash.toShortHex() + " already pooled");
    }
    Address sender = tx.senderAddress();
    Account account = head.account(sender);
    if (tx.nonce() < account.nonce()) {
      return reject(
          RejectReason.NONCE_TOO_LOW,
          "nonce " + tx.nonce() + " already used, account is at " + account.nonce());
    }
    if (tx.nonce() - account.nonce() > config.maxNonceGap()) {
      return reject(
          RejectReason.NONCE_TOO_HIGH,
          "nonce " + tx.nonce() + " too far ahead of " + account.nonce());
    }
    Optional<TxRejection> invalid;
    if (tx.nonce() == account.nonce()) {
      invalid = transition.check(head, tx);
    } else {
      invalid = transition.checkStateless(tx);
      if (invalid.isEmpty()) {
        long spend = tx.payload().spend();
        if (spend > Long.MAX_VALUE - tx.fee() || tx.fee() + spend > account.balance()) {
          invalid =
              Optional.of(
                  new TxRejection(
                      RejectReason.INSUFFICIENT_BALANCE,
                      "balance " + account.balance() + " cannot cover fee and amount"));
        }
      }
    }
    if (invalid.isPresent()) {
      return reject(invalid.get().reason(), invalid.get().message());
    }
    return admit(tx, hash, sender, encoding.length, account.nonce());
  }

  /** The part of {@link #add} that reads and changes the pool: one critical section. */
  private synchronized Admission admit(
      SignedTransaction tx, Hash hash, Address sender, int size, long accountNonce) {
    if (byHash.containsKey(hash)) {
      return reject(RejectReason.DUPLICATE, "transaction " + hash.toShortHex() + " already pooled");
    }
    TreeMap<Long, Entry> queue = bySender.get(sender);
    Entry existing = queue == null ? null : queue.get(tx.nonce());
    if (existing != null && tx.fee() <= existing.tx.fee()) {
      return reject(
          RejectReason.REPLACEMENT_UNDERPRICED,
          "replacing nonce " + tx.nonce() + " needs a fee above " + existing.tx.fee());
    }
    if (existing == null && queue != null && queue.size() >= config.maxPerSender()) {
      return reject(
          RejectReason.SENDER_LIMIT, "sender already has " + queue.size() + " pooled transactions");
    }
    Entry entry = new Entry(tx, hash, sender, size, sequence);
    Entry previous = queue == null ? null : queue.get(tx.nonce() - 1);
    entry.ready = tx.nonce() == accountNonce || (previous != null && previous.ready);
    List<Entry> victims = planEviction(entry, existing);
    if (victims == null) {
      return reject(RejectReason.POOL_FULL, "pool is full and the fee " + tx.fee() + " is too low");
    }
    sequence++;
    List<Hash> evicted = new ArrayList<>(victims.size());
    for (Entry v : victims) {
      removeEntry(v);
      evicted.add(v.hash);
    }
    if (existing != null) {
      removeEntry(existing);
    }
    insert(entry);
    if (entry.ready) {
      markReadyAfter(entry);
    }
    if (!evicted.isEmpty()) {
      LOG.debug("Mempool evicted count={} for tx={}", evicted.size(), hash.toShortHex());
    }
    return new Admission.Accepted(hash, Optional.ofNullable(existing).map(e -> e.hash), evicted);
  }

  /**
   * The entries to evict so that {@code entry} fits (in place of {@code replacing}, if any), or
   * null when {@code entry} itself would be evicted. Pure: nothing changes here.
   */
  private List<Entry> planEviction(Entry entry, Entry replacing) {
    long count = byHash.size() + 1 - (replacing == null ? 0 : 1);
    long size = bytes + entry.size - (replacing == null ? 0 : replacing.size);
    List<Entry> victims = new ArrayList<>();
    if (count <= config.maxTransactions() && size <= config.maxBytes()) {
      return victims;
    }
    Set<Entry> planned = new HashSet<>();
    if (replacing != null) {
      planned.add(replacing);
    }
    Iterator<Entry> it = evictionOrder.iterator();
    while (count > config.maxTransactions() || size > config.maxBytes()) {
      Entry victim = null;
      while (it.hasNext()) {
        Entry e = it.next();
        // A runnable newcomer makes its sender's waiting later nonces runnable: keep them.
        boolean unblocked =
            entry.ready && e.sender.equals(entry.sender) && e.tx.nonce() > entry.tx.nonce();
        if (!planned.contains(e) && !unblocked) {
          victim = e;
          break;
        }
      }
      // The newcomer sits in the eviction order too: if it comes first, it is what goes.
      if (victim == null || EVICTION_ORDER.compare(entry, victim) < 0) {
        return null;
      }
      // The victim's later nonces go with it; if the newcomer is one of them, it cannot stay.
      if (victim.sender.equals(entry.sender) && victim.tx.nonce() < entry.tx.nonce()) {
        return null;
      }
      for (Entry e : bySender.get(victim.sender).tailMap(victim.tx.nonce(), true).values()) {
        if (planned.add(e)) {
          victims.add(e);
          count--;
          size -= e.size;
        }
      }
    }
    return victims;
  }

  /** Marks the consecutive nonces after {@code e} (which is ready) ready. */
  private void markReadyAfter(Entry e) {
    TreeMap<Long, Entry> q = bySender.get(e.sender);
    for (long n = e.tx.nonce() + 1; ; n++) {
      Entry next = q.get(n);
      if (next == null || next.ready) {
        return;
      }
      setReady(next, true);
    }
  }

  private void setReady(Entry e, boolean ready) {
    if (e.ready != ready) {
      evictionOrder.remove(e);
      e.ready = ready;
      evictionOrder.add(e);
    }
  }

  private void insert(Entry e) {
    byHash.put(e.hash, e);
    bySender.computeIfAbsent(e.sender, a -> new TreeMap<>()).put(e.tx.nonce(), e);
    evictionOrder.add(e);
    bytes += e.size;
  }

  private void removeEntry(Entry e) {
    if (byHash.remove(e.hash) == null) {
      return;
    }
    TreeMap<Long, Entry> q = bySender.get(e.sender);
    q.remove(e.tx.nonce());
    if (q.isEmpty()) {
      bySender.remove(e.sender);
    }
    evictionOrder.remove(e);
    bytes -= e.size;
  }

  private synchronized Admission reject(RejectReason reason, String message) {
    rejections
        .computeIfAbsent(
            reason,
            r ->
                Counter.builder("ledger_mempool_rejected")
                    .tag("reason", r.name())
                    .description("transactions refused by the mempool")
                    .register(registry))
        .increment();
    LOG.debug("Mempool rejected reason={} message={}", reason, message);
    return new Admission.Rejected(reason, message);
  }

  /**
   * Transactions ready to execute on {@code head}, for a block builder: each sender's run of
   * consecutive nonces from its account's next, interleaved by fee (highest first, then oldest)
   * without ever reordering one sender's nonces. At most {@code maxCount} transactions and {@code
   * maxBytes} encoded bytes. The builder still runs them through {@link StateTransition#assemble},
   * which drops any that became invalid.
   */
  public synchronized List<SignedTransaction> executable(
      WorldState head, int maxCount, long maxBytes) {
    PriorityQueue<Entry> ready = new PriorityQueue<>(PRIORITY);
    for (var e : bySender.entrySet()) {
      Entry first = e.getValue().get(head.account(e.getKey()).nonce());
      if (first != null) {
        ready.add(first);
      }
    }
    List<SignedTransaction> out = new ArrayList<>();
    long used = 0;
    while (!ready.isEmpty() && out.size() < maxCount) {
      Entry e = ready.poll();
      if (used + e.size > maxBytes) {
        continue; // this sender's later nonces cannot come before it
      }
      out.add(e.tx);
      used += e.size;
      Entry following = bySender.get(e.sender).get(e.tx.nonce() + 1);
      if (following != null) {
        ready.add(following);
      }
    }
    return out;
  }

  /**
   * Drops what a new head made obsolete: every transaction whose nonce its sender has now used
   * (included in a block, or superseded by another transaction with that nonce).
   *
   * @return how many transactions were dropped
   */
  public synchronized int onNewHead(WorldState head) {
    int dropped = 0;
    for (Address sender : new ArrayList<>(bySender.keySet())) {
      long nonce = head.account(sender).nonce();
      TreeMap<Long, Entry> q = bySender.get(sender);
      for (Entry e : new ArrayList<>(q.headMap(nonce, false).values())) {
        removeEntry(e);
        dropped++;
      }
      // What can run on the new head: the run of consecutive nonces from the account's next.
      TreeMap<Long, Entry> left = bySender.get(sender);
      if (left != null) {
        long expected = nonce;
        for (Entry e : left.values()) {
          setReady(e, e.tx.nonce() == expected);
          if (e.ready) {
            expected++;
          } else {
            expected = -1;
          }
        }
      }
    }
    if (dropped > 0) {
      LOG.debug("Mempool pruned count={} height={}", dropped, head.height());
    }
    return dropped;
  }

  public synchronized boolean contains(Hash id) {
    return byHash.containsKey(id);
  }

  public synchronized Optional<SignedTransaction> get(Hash id) {
    Entry e = byHash.get(id);
    return e == null ? Optional.empty() : Optional.of(e.tx);
  }

  public synchronized int size() {
    return byHash.size();
  }

  public synchronized long bytes() {
    return bytes;
  }
}
