package org.learnchain.node.adapter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PublicKey;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.store.ChainStore;
import org.learnchain.p2p.BlockSource;
import org.learnchain.p2p.BlocksResult;
import org.learnchain.p2p.P2PNetwork;
import org.learnchain.p2p.PeerInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Block sync over p2p's blocks-by-range requests, both ways (docs/consensus.md, catch-up). It
 * serves this node's canonical blocks to peers ({@link BlockSource}), and it catches this node up:
 * when a new peer connects or consensus misses a block, it fetches the heights above this node's
 * finalized one from every connected peer at once.
 *
 * <ul>
 *   <li>The heights from finalized + 1 up to {@link #AHEAD} above it are cut into ranges of {@link
 *       #BATCH}; each range goes to one peer, at most {@link #PER_PEER} ranges in flight per peer,
 *       the least busy peer first. Ranges go one per peer beyond the highest height a peer has
 *       served, so a trigger at the head costs one request per peer. Memory stays bounded by the
 *       window and by {@link #MAX_HELD_BYTES}.
 *   <li>A failed or timed-out request sends the range to another peer. An answer that fails the
 *       checks of {@link SyncPreverifier} (a block that does not decode, is not the height asked
 *       for, lacks its proposer's signature or its parent's commit, or holds a badly signed
 *       transaction) is dropped whole, the range is fetched elsewhere and the peer is left out for
 *       {@link #BENCH_MS}. A short answer means the peer has no more: the rest of the range is
 *       asked of the others, and once every peer has said so the sync rests until the next trigger.
 *   <li>Answers are checked on sync worker threads, several at once, which also warms the caches
 *       consensus reads (transaction signatures, useful-work model re-runs); checked blocks are
 *       handed to consensus in height order, at most {@link #FEED_AHEAD} above its finalized height
 *       (within what consensus holds of later heights). Consensus verifies every block it applies
 *       again and applies it only with a verified commit: these checks only spare it work and keep
 *       a bad peer's answers away.
 * </ul>
 */
public final class BlockSync implements BlockSource, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BlockSync.class);

  /** Blocks asked for per request (p2p caps it at its own maximum as well). */
  static final int BATCH = 32;

  /** Requests in flight per peer. */
  static final int PER_PEER = 3;

  /** Heights fetched ahead of the finalized height. */
  static final int AHEAD = 384;

  /** Heights handed to consensus ahead of its finalized height (below its MAX_FUTURE_BLOCKS). */
  static final int FEED_AHEAD = 96;

  /** Bytes of fetched blocks held at most before no new range is asked for. */
  static final long MAX_HELD_BYTES = 256L << 20;

  /** How long a peer that served a bad answer is left out. */
  static final long BENCH_MS = 30_000;

  /** How long a peer that failed a request (timeout, disconnect) is left out. */
  static final long FAILED_MS = 1_000;

  /** How long "the peer has nothing above height h" is believed. */
  static final long END_MS = 1_000;

  /** With blocks handed over and no progress for this long, they are handed over again. */
  static final long REFEED_MS = 1_000;

  /** How often the sync looks for work while it runs. */
  static final long TICK_MS = 50;

  /** Most bytes served in one answer: a frame must carry them. */
  private final long maxAnswerBytes;

  private final ChainStore store;
  private final ExecutorService workers;
  private final ScheduledExecutorService ticker;
  private final Set<PublicKey> known = new HashSet<>();
  private volatile P2PNetwork network;
  private volatile Predicate<byte[]> sink;
  private volatile SyncPreverifier checks;

  /** Everything below is guarded by {@code this}. */
  private final TreeMap<Long, Range> ranges = new TreeMap<>();

  private final TreeMap<Long, Fetched> fetched = new TreeMap<>();
  private final Map<Hash, Long> heightOf = new HashMap<>();
  private final Map<PublicKey, Integer> inFlight = new HashMap<>();
  private final Map<PublicKey, Long> benchedUntil = new HashMap<>();
  private final Map<PublicKey, long[]> peerEnd = new HashMap<>();
  private long heldBytes;
  private long knownTo;
  private long next = 1;
  private long fedTo;
  private long lastFinalized = -1;
  private long lastProgressMs;
  private boolean active;

  private final AtomicLong badAnswers = new AtomicLong();
  private final AtomicLong failedRequests = new AtomicLong();
  private final AtomicInteger requests = new AtomicInteger();

  /**
   * @param maxAnswerBytes the largest answer a p2p frame carries; blocks beyond it wait for the
   *     next request
   * @param threads sync worker threads that check fetched blocks
   */
  public BlockSync(ChainStore store, long maxAnswerBytes, int threads) {
    this.store = store;
    this.maxAnswerBytes = maxAnswerBytes;
    AtomicInteger n = new AtomicInteger();
    this.workers =
        Executors.newFixedThreadPool(
            Math.max(1, threads),
            r -> {
              Thread t = new Thread(r, "sync-check-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sync");
              t.setDaemon(true);
              return t;
            });
  }

  /** A sync with one worker thread per two cores (at least one). */
  public BlockSync(ChainStore store, long maxAnswerBytes) {
    this(store, maxAnswerBytes, Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
  }

  /**
   * Connects the sync to the network it asks, the checks a fetched block must pass and the consumer
   * that takes checked blocks (consensus's {@code onBlock}, false when its inbox is full). Called
   * once while the node is assembled: the network needs this object as its block source before the
   * consumer exists.
   */
  public void bind(P2PNetwork network, SyncPreverifier checks, Predicate<byte[]> sink) {
    this.network = network;
    this.checks = checks;
    this.sink = sink;
  }

  /** Starts looking for work every {@link #TICK_MS} (also triggered by answers). */
  public void start() {
    ticker.scheduleWithFixedDelay(this::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    workers.shutdownNow();
  }

  @Override
  public List<byte[]> blocksByRange(long fromHeight, int maxCount) {
    List<byte[]> out = new ArrayList<>();
    long bytes = 0;
    for (long h = Math.max(0, fromHeight); out.size() < maxCount; h++) {
      Optional<Block> b = store.canonicalBlock(h);
      if (b.isEmpty()) {
        break;
      }
      byte[] encoded = b.get().encode();
      bytes += encoded.length;
      // At least one block per answer, or a peer behind a large block would never pass it.
      if (!out.isEmpty() && bytes > maxAnswerBytes) {
        break;
      }
      out.add(encoded);
    }
    return out;
  }

  /** Consensus misses the block {@code hash} (an orphan's parent, a committed block): sync. */
  public void requestMissing(Hash hash) {
    LOG.debug("Sync requested missing={}", hash.toShortHex());
    try {
      ticker.execute(() -> refeed(hash));
    } catch (RejectedExecutionException e) {
      return;
    }
    wake();
  }

  /** Syncs when a peer connected since the last call (called periodically). */
  public void syncNewPeers() {
    P2PNetwork n = network;
    if (n == null) {
      return;
    }
    Set<PublicKey> now = new HashSet<>();
    boolean fresh = false;
    synchronized (this) {
      for (PeerInfo p : n.peers()) {
        now.add(p.key());
        if (known.add(p.key())) {
          LOG.debug("Sync from new peer peer={}", p.key().address());
          peerEnd.remove(p.key());
          fresh = true;
        }
      }
      // A peer that disconnected and comes back is synced from again.
      known.retainAll(now);
    }
    if (fresh) {
      wake();
    }
  }

  /** What the sync has seen: answers dropped as bad, requests that failed, requests sent. */
  public record Stats(long badAnswers, long failedRequests, int requests) {}

  public Stats stats() {
    return new Stats(badAnswers.get(), failedRequests.get(), requests.get());
  }

  private void wake() {
    synchronized (this) {
      active = true;
      // What peers said about their ends may be stale now.
      peerEnd.clear();
    }
    try {
      ticker.execute(this::tick);
    } catch (RejectedExecutionException e) {
      // Closed: the node is stopping.
    }
  }

  private void tick() {
    try {
      syncNewPeers();
      pump();
    } catch (RuntimeException e) {
      LOG.warn("Sync step failed", e);
    }
  }

  /** Drops what is final, plans new ranges, sends what can be sent, and feeds consensus. */
  private void pump() {
    P2PNetwork n = network;
    if (n == null || sink == null) {
      return;
    }
    long now = System.currentTimeMillis();
    List<Send> sends = new ArrayList<>();
    synchronized (this) {
      long fin = store.finalizedHeight();
      if (fin != lastFinalized) {
        lastFinalized = fin;
        lastProgressMs = now;
        forgetUpTo(fin);
      } else if (fedTo > fin && now - lastProgressMs > REFEED_MS) {
        // Consensus let handed-over blocks go (its inbox or its window was full): again.
        fedTo = fin;
        lastProgressMs = now;
      }
      List<PublicKey> peers = new ArrayList<>();
      for (PeerInfo p : n.peers()) {
        Long until = benchedUntil.get(p.key());
        if (until == null || until <= now) {
          peers.add(p.key());
        }
      }
      if (active) {
        plan(fin, peers, now);
      }
      assign(peers, now, sends);
      if (active && ranges.isEmpty() && fetched.isEmpty()) {
        active = false;
      }
    }
    for (Send s : sends) {
      send(n, s);
    }
    feed();
  }

  private void forgetUpTo(long fin) {
    while (!fetched.isEmpty() && fetched.firstKey() <= fin) {
      Fetched f = fetched.pollFirstEntry().getValue();
      heldBytes -= f.payload().length;
      heightOf.remove(f.hash());
    }
    while (!ranges.isEmpty() && ranges.firstEntry().getValue().end() <= fin) {
      ranges.pollFirstEntry();
    }
    if (next <= fin) {
      next = fin + 1;
    }
    if (fedTo < fin) {
      fedTo = fin;
    }
  }

  /** New ranges up to the window, while some peer may hold them. */
  private void plan(long fin, List<PublicKey> peers, long now) {
    long highestEnd = -1;
    for (PublicKey p : peers) {
      long[] e = peerEnd.get(p);
      if (e == null || now - e[1] > END_MS) {
        highestEnd = Long.MAX_VALUE;
        break;
      }
      highestEnd = Math.max(highestEnd, e[0]);
    }
    // One range per peer beyond what a peer is known to hold; a few per peer once answers show
    // a backlog: at the head a trigger costs a request per peer, behind it the window fills.
    long known = Math.max(fin, knownTo);
    int perPeer = knownTo > fin + BATCH ? PER_PEER : 1;
    long limit = Math.min(fin + AHEAD, known + (long) BATCH * Math.max(1, peers.size()) * perPeer);
    while (next <= limit && next < highestEnd && heldBytes < MAX_HELD_BYTES) {
      int count = (int) Math.min(BATCH, limit - next + 1);
      ranges.put(next, new Range(next, count));
      next += count;
    }
  }

  /**
   * Gives unassigned ranges, lowest first, to the least busy peer that may hold them. A request
   * that gets no answer fails after p2p's request timeout, and its range comes back here.
   */
  private void assign(List<PublicKey> peers, long now, List<Send> sends) {
    for (Range r : ranges.values()) {
      if (r.peer != null) {
        continue;
      }
      PublicKey best = null;
      int bestLoad = PER_PEER;
      boolean anyUntried = false;
      for (PublicKey p : peers) {
        long[] e = peerEnd.get(p);
        if (e != null && now - e[1] <= END_MS && e[0] <= r.start) {
          continue;
        }
        if (!r.tried.contains(p)) {
          anyUntried = true;
        }
      }
      for (PublicKey p : peers) {
        long[] e = peerEnd.get(p);
        if (e != null && now - e[1] <= END_MS && e[0] <= r.start) {
          continue;
        }
        if (anyUntried && r.tried.contains(p)) {
          continue;
        }
        int load = inFlight.getOrDefault(p, 0);
        if (load < bestLoad) {
          best = p;
          bestLoad = load;
        }
      }
      if (best == null) {
        continue;
      }
      if (!anyUntried) {
        // Every peer was tried: start over rather than give up on the range.
        r.tried.clear();
      }
      r.peer = best;
      inFlight.merge(best, 1, Integer::sum);
      sends.add(new Send(best, r.start, r.count));
    }
  }

  private void send(P2PNetwork n, Send s) {
    requests.incrementAndGet();
    n.requestBlocks(s.peer(), s.from(), s.count())
        .whenComplete(
            (result, error) -> {
              try {
                workers.execute(() -> onAnswer(s, result, error));
              } catch (RejectedExecutionException e) {
                // Closed: the node is stopping.
              }
            });
  }

  /** On a sync worker: checks an answer, keeps its blocks or gives the range to another peer. */
  private void onAnswer(Send s, BlocksResult result, Throwable error) {
    List<Fetched> good = new ArrayList<>();
    String bad = null;
    boolean failed = false;
    List<byte[]> payloads = List.of();
    if (error != null || result instanceof BlocksResult.Failed) {
      failed = true;
      failedRequests.incrementAndGet();
      LOG.debug(
          "Sync request failed peer={} from={} reason={}",
          s.peer().address(),
          s.from(),
          error != null ? error.toString() : ((BlocksResult.Failed) result).reason());
    } else if (result instanceof BlocksResult.Blocks b) {
      payloads = b.payloads().size() > s.count() ? List.of() : b.payloads();
      if (b.payloads().size() > s.count()) {
        bad = "more blocks than asked for";
      }
      SyncPreverifier c = checks;
      for (int i = 0; bad == null && i < payloads.size(); i++) {
        byte[] p = payloads.get(i);
        SyncPreverifier.Checked verdict = c.check(p, s.from() + i);
        if (verdict instanceof SyncPreverifier.Bad x) {
          bad = x.reason();
        } else {
          Block block = ((SyncPreverifier.Good) verdict).block();
          // The answer is one chain: each block on the one before it.
          if (!good.isEmpty() && !block.header().prevHash().equals(good.get(i - 1).hash())) {
            bad = "blocks of the answer do not form a chain at height " + block.height();
          } else {
            good.add(new Fetched(p, block.hash(), block));
          }
        }
      }
    }
    if (bad != null) {
      badAnswers.incrementAndGet();
      LOG.info("Sync answer dropped peer={} from={} reason={}", s.peer().address(), s.from(), bad);
    }
    long now = System.currentTimeMillis();
    synchronized (this) {
      inFlight.merge(s.peer(), -1, Integer::sum);
      Range r = ranges.get(s.from());
      boolean current = r != null && r.peer != null && r.peer.equals(s.peer());
      if (bad != null) {
        benchedUntil.put(s.peer(), now + BENCH_MS);
      } else if (failed) {
        benchedUntil.put(s.peer(), now + FAILED_MS);
      }
      if (current) {
        r.peer = null;
        r.tried.add(s.peer());
        if (bad == null && !failed) {
          settle(r, good, s.peer(), now);
        }
      }
    }
    // Useful-work models re-run here, after the range is settled: other answers go on meanwhile.
    if (bad == null) {
      SyncPreverifier c = checks;
      for (Fetched f : good) {
        c.preRun(f.block());
      }
    }
    pump();
  }

  /** Keeps the blocks of a good answer; the rest of a short answer is asked of the others. */
  private void settle(Range r, List<Fetched> good, PublicKey peer, long now) {
    ranges.remove(r.start);
    knownTo = Math.max(knownTo, r.start + good.size() - 1);
    for (int i = 0; i < good.size(); i++) {
      long h = r.start + i;
      if (h > fedTo && !fetched.containsKey(h)) {
        Fetched f = good.get(i);
        fetched.put(h, new Fetched(f.payload(), f.hash(), null));
        heightOf.put(f.hash(), h);
        heldBytes += f.payload().length;
      }
    }
    if (good.size() < r.count) {
      long rest = r.start + good.size();
      peerEnd.put(peer, new long[] {rest, now});
      Range tail = new Range(rest, r.count - good.size());
      tail.tried.addAll(r.tried);
      boolean othersLeft = false;
      P2PNetwork n = network;
      if (n != null) {
        for (PeerInfo p : n.peers()) {
          if (!tail.tried.contains(p.key())) {
            othersLeft = true;
          }
        }
      }
      if (othersLeft) {
        ranges.put(rest, tail);
      } else {
        // Nobody has more: drop the plan above; the next trigger (or END_MS) plans again.
        ranges.tailMap(rest, true).clear();
        next = rest;
      }
    }
  }

  /**
   * Hands checked blocks to consensus, within its window: each run of consecutive heights from the
   * last one handed over, highest first, so that when the block of consensus's current height
   * arrives the next block, which carries its commit, is already held and vouches for it.
   */
  private void feed() {
    Predicate<byte[]> s = sink;
    List<byte[]> out = new ArrayList<>();
    long first;
    synchronized (this) {
      first = fedTo + 1;
      long last = fedTo;
      while (fetched.containsKey(last + 1) && last + 1 <= lastFinalized + FEED_AHEAD) {
        last++;
      }
      for (long h = last; h >= first; h--) {
        out.add(fetched.get(h).payload());
      }
      fedTo = last;
    }
    for (byte[] p : out) {
      if (!s.test(p)) {
        synchronized (this) {
          // Its inbox is full: again at the next tick.
          fedTo = Math.min(fedTo, first - 1);
        }
        return;
      }
    }
  }

  /** Hands consensus the fetched block {@code hash} again (it asked for it). */
  private void refeed(Hash hash) {
    byte[] payload = null;
    synchronized (this) {
      Long h = heightOf.get(hash);
      if (h != null && fetched.containsKey(h)) {
        payload = fetched.get(h).payload();
      }
    }
    if (payload != null) {
      sink.test(payload);
    }
  }

  private record Send(PublicKey peer, long from, int count) {}

  /** A fetched block: its bytes, hash, and (while an answer is checked) the decoded block. */
  private record Fetched(byte[] payload, Hash hash, Block block) {}

  /** Heights {@code start .. start + count - 1}, and which peer has them now. */
  private static final class Range {
    final long start;
    final int count;
    final Set<PublicKey> tried = new HashSet<>();
    PublicKey peer;

    Range(long start, int count) {
      this.start = start;
      this.count = count;
    }

    long end() {
      return start + count - 1;
    }
  }
}
