package org.learnchain.ledger.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.Function;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Account;
import org.learnchain.ledger.PendingProblem;

/**
 * The working copy of one block's state changes over an immutable parent: entries are decoded once
 * when first read, edited as values, and encoded once at the end. Only entries actually written
 * become {@link StateChange}s, so the block's cost follows what it touches.
 */
final class Scratch {
  private final WorldState parent;
  private final HashMap<StateKey, Slot> slots = new HashMap<>();
  private ChainMeta meta;

  private static final class Slot {
    final byte[] before;
    Object value;
    boolean loaded;
    boolean dirty;
    Function<Object, byte[]> encoder;

    Slot(byte[] before) {
      this.before = before;
    }
  }

  Scratch(WorldState parent) {
    this.parent = parent;
    this.meta = parent.meta();
  }

  private Slot slot(StateKey key) {
    Slot s = slots.get(key);
    if (s == null) {
      s = new Slot(parent.rawShared(key));
      slots.put(key, s);
    }
    return s;
  }

  private Object read(StateKey key, Function<byte[], ?> decoder) {
    Slot s = slot(key);
    if (!s.loaded) {
      s.value = s.before == null ? null : decoder.apply(s.before);
      s.loaded = true;
    }
    return s.value;
  }

  @SuppressWarnings("unchecked")
  private <T> void write(StateKey key, T value, Function<T, byte[]> encoder) {
    Slot s = slot(key);
    s.value = value;
    s.loaded = true;
    s.dirty = true;
    s.encoder = (Function<Object, byte[]>) encoder;
  }

  WorldState parent() {
    return parent;
  }

  ChainMeta meta() {
    return meta;
  }

  void setMeta(ChainMeta m) {
    meta = m;
  }

  Account account(Address a) {
    Account v = (Account) read(StateKey.account(a), Account::decode);
    return v == null ? Account.EMPTY : v;
  }

  void putAccount(Address a, Account account) {
    write(StateKey.account(a), account.isEmpty() ? null : account, Account::encode);
  }

  Optional<PendingProblem> pending(Hash id) {
    return Optional.ofNullable(
        (PendingProblem) read(StateKey.pendingProblem(id), PendingProblem::decode));
  }

  boolean problemExists(Hash id) {
    return pending(id).isPresent()
        || read(StateKey.closedProblem(id), PendingProblem::decode) != null;
  }

  void putPending(PendingProblem p) {
    write(StateKey.pendingProblem(p.id()), p, PendingProblem::encode);
  }

  /** Moves a pending problem to the closed set with its final status. */
  void close(PendingProblem closed) {
    write(StateKey.pendingProblem(closed.id()), null, PendingProblem::encode);
    write(StateKey.closedProblem(closed.id()), closed, PendingProblem::encode);
  }

  boolean evidenceUsed(Hash proofHash) {
    return read(StateKey.evidence(proofHash), EvidenceRecord::decode) != null;
  }

  void putEvidence(Hash proofHash, EvidenceRecord r) {
    write(StateKey.evidence(proofHash), r, EvidenceRecord::encode);
  }

  @SuppressWarnings("unchecked")
  List<Address> unbondQueue(long height) {
    List<Address> v =
        (List<Address>) read(StateKey.unbondQueue(height), WorldState::decodeAddresses);
    return v == null ? List.of() : v;
  }

  void putUnbondQueue(long height, List<Address> q) {
    write(StateKey.unbondQueue(height), q.isEmpty() ? null : q, WorldState::encodeAddresses);
  }

  @SuppressWarnings("unchecked")
  List<Hash> expiryQueue(long height) {
    List<Hash> v = (List<Hash>) read(StateKey.expiryQueue(height), WorldState::decodeHashes);
    return v == null ? List.of() : v;
  }

  void putExpiryQueue(long height, List<Hash> q) {
    write(StateKey.expiryQueue(height), q.isEmpty() ? null : q, WorldState::encodeHashes);
  }

  /**
   * The block's changes, sorted by key; writes that ended where they began are dropped. Values are
   * encoded in parallel on {@code pool} when there are many.
   */
  List<StateChange> changes(ForkJoinPool pool) {
    List<StateKey> keys = new ArrayList<>(slots.size());
    List<Slot> dirty = new ArrayList<>(slots.size());
    for (var e : slots.entrySet()) {
      if (e.getValue().dirty) {
        keys.add(e.getKey());
        dirty.add(e.getValue());
      }
    }
    byte[][] after = new byte[dirty.size()][];
    if (dirty.size() >= PARALLEL_ENCODE && Parallelism.spare(pool)) {
      pool.invoke(new EncodeTask(dirty, after, 0, after.length));
    } else {
      encodeRange(dirty, after, 0, after.length);
    }
    List<StateChange> out = new ArrayList<>(dirty.size() + 1);
    for (int i = 0; i < after.length; i++) {
      byte[] before = dirty.get(i).before;
      if (!Arrays.equals(before, after[i])) {
        out.add(new StateChange(keys.get(i), before, after[i]));
      }
    }
    byte[] metaBefore = parent.rawShared(StateKey.META);
    byte[] metaAfter = meta.encode();
    if (!Arrays.equals(metaBefore, metaAfter)) {
      out.add(new StateChange(StateKey.META, metaBefore, metaAfter));
    }
    out.sort((a, b) -> a.key().compareTo(b.key()));
    return out;
  }

  private static final int PARALLEL_ENCODE = 1024;

  private static void encodeRange(List<Slot> dirty, byte[][] after, int from, int to) {
    for (int i = from; i < to; i++) {
      Slot s = dirty.get(i);
      after[i] = s.value == null ? null : s.encoder.apply(s.value);
    }
  }

  private static final class EncodeTask extends RecursiveAction {
    private static final long serialVersionUID = 1L;
    private final transient List<Slot> dirty;
    private final transient byte[][] after;
    private final int from;
    private final int to;

    EncodeTask(List<Slot> dirty, byte[][] after, int from, int to) {
      this.dirty = dirty;
      this.after = after;
      this.from = from;
      this.to = to;
    }

    @Override
    protected void compute() {
      if (to - from <= 256) {
        encodeRange(dirty, after, from, to);
        return;
      }
      int mid = (from + to) >>> 1;
      invokeAll(new EncodeTask(dirty, after, from, mid), new EncodeTask(dirty, after, mid, to));
    }
  }
}
