package org.learnchain.ledger.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import java.util.function.BiConsumer;
import org.learnchain.config.Genesis;
import org.learnchain.config.Member;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.codec.CanonicalReader;
import org.learnchain.crypto.codec.CanonicalWriter;
import org.learnchain.ledger.Account;
import org.learnchain.ledger.LedgerLimits;
import org.learnchain.ledger.PendingProblem;

/**
 * An immutable snapshot of the world state after some block: accounts, problems, evidence records,
 * the unbonding and expiry queues and the chain counters, all under one Merkle root.
 *
 * <p>Snapshots share structure, so keeping the states of every unfinalized block costs only what
 * each block changed. A snapshot is safe to read from any thread.
 */
public final class WorldState {
  private final MerkleStateTree tree;
  private final ChainMeta meta;

  WorldState(MerkleStateTree tree) {
    this.tree = tree;
    byte[] m = tree.get(StateKey.META.raw());
    if (m == null) {
      throw new IllegalStateException("world state without its chain counters");
    }
    this.meta = ChainMeta.decode(m);
  }

  /**
   * The state genesis defines: each member's balance and stake, the counters at height 0.
   *
   * @throws IllegalArgumentException for a genesis with negative amounts, duplicate members or a
   *     total supply that does not fit in 63 bits
   */
  public static WorldState genesis(Genesis genesis) {
    List<byte[][]> entries = new ArrayList<>(genesis.members().size() + 1);
    long supply = 0;
    java.util.Set<Address> seen = new java.util.HashSet<>();
    for (Member m : genesis.members()) {
      if (m.balance() < 0 || m.stake() < 0) {
        throw new IllegalArgumentException(
            "genesis member " + m.address() + " has a negative balance or stake");
      }
      if (!seen.add(m.address())) {
        throw new IllegalArgumentException("genesis lists member " + m.address() + " twice");
      }
      try {
        supply = Math.addExact(supply, Math.addExact(m.balance(), m.stake()));
      } catch (ArithmeticException ex) {
        throw new IllegalArgumentException("genesis total supply overflows 63 bits", ex);
      }
      Account a = Account.funded(m.balance(), m.stake());
      if (!a.isEmpty()) {
        entries.add(new byte[][] {StateKey.account(m.address()).raw(), a.encode()});
      }
    }
    entries.add(new byte[][] {StateKey.META.toArray(), new ChainMeta(0, supply, 0, 0, 0).encode()});
    return new WorldState(MerkleStateTree.build(entries, ForkJoinPool.commonPool()));
  }

  /**
   * Rebuilds a state from its stored entries (a store's flat state at open).
   *
   * @param entries every (key, value) of the state, in any order
   */
  public static WorldState fromEntries(Iterable<StateEntry> entries, ForkJoinPool pool) {
    List<byte[][]> raw = new ArrayList<>();
    for (StateEntry entry : entries) {
      raw.add(new byte[][] {entry.key().raw(), entry.value()});
    }
    return new WorldState(MerkleStateTree.build(raw, pool));
  }

  /** A stored (key, value) pair of the state. */
  public record StateEntry(StateKey key, byte[] value) {}

  public Hash root() {
    return tree.rootHash();
  }

  /** Height of the last block applied to this state. */
  public long height() {
    return meta.height();
  }

  public ChainMeta meta() {
    return meta;
  }

  /** Number of entries (accounts, problems, records, queues, counters). */
  public int entryCount() {
    return tree.size();
  }

  /** The encoded value under {@code key}, if any (a copy). */
  public Optional<byte[]> raw(StateKey key) {
    byte[] v = tree.get(key.raw());
    return v == null ? Optional.empty() : Optional.of(v.clone());
  }

  byte[] rawShared(StateKey key) {
    return tree.get(key.raw());
  }

  /** The account at {@code address}; {@link Account#EMPTY} when it never held anything. */
  public Account account(Address address) {
    byte[] v = tree.get(StateKey.account(address).raw());
    return v == null ? Account.EMPTY : Account.decode(v);
  }

  /** A problem by id, pending or closed. */
  public Optional<PendingProblem> problem(Hash id) {
    byte[] v = tree.get(StateKey.pendingProblem(id).raw());
    if (v == null) {
      v = tree.get(StateKey.closedProblem(id).raw());
    }
    return v == null ? Optional.empty() : Optional.of(PendingProblem.decode(v));
  }

  /** The pending problems in selection order (highest bounty, then earliest inclusion). */
  public List<PendingProblem> pendingProblems() {
    List<PendingProblem> out = new ArrayList<>();
    tree.forEachOfType(
        StateKey.Type.PENDING_PROBLEM.code(), (k, v) -> out.add(PendingProblem.decode(v)));
    out.sort(PendingProblem.SELECTION_ORDER);
    return out;
  }

  /**
   * The problem the next round works on (docs/protocol.md section 3, step 0): the pending problem
   * with the highest bounty, ties to the earliest inclusion; empty means an idle round.
   */
  public Optional<PendingProblem> selectProblem() {
    PendingProblem[] best = new PendingProblem[1];
    tree.forEachOfType(
        StateKey.Type.PENDING_PROBLEM.code(),
        (k, v) -> {
          PendingProblem p = PendingProblem.decode(v);
          if (best[0] == null || PendingProblem.SELECTION_ORDER.compare(p, best[0]) < 0) {
            best[0] = p;
          }
        });
    return Optional.ofNullable(best[0]);
  }

  /** The record left by an accepted evidence proof with this hash, if any. */
  public Optional<EvidenceRecord> evidence(Hash proofHash) {
    byte[] v = tree.get(StateKey.evidence(proofHash).raw());
    return v == null ? Optional.empty() : Optional.of(EvidenceRecord.decode(v));
  }

  /** Visits every entry in key order (the stored form). The arrays must not be modified. */
  public void forEachEntry(BiConsumer<StateKey, byte[]> visitor) {
    tree.forEach((k, v) -> visitor.accept(StateKey.own(k), v));
  }

  /**
   * Sums every unit the state holds: account holdings plus pending bounties. Linear in the state;
   * for audits and tests, never on a block's path.
   */
  public long totalHeld() {
    long[] total = new long[1];
    tree.forEachOfType(
        StateKey.Type.ACCOUNT.code(),
        (k, v) -> total[0] = Math.addExact(total[0], Account.decode(v).totalHoldings()));
    tree.forEachOfType(
        StateKey.Type.PENDING_PROBLEM.code(),
        (k, v) -> total[0] = Math.addExact(total[0], PendingProblem.decode(v).bounty()));
    return total[0];
  }

  /** Every account with its address, in address order (audits and tests). */
  public void forEachAccount(BiConsumer<Address, Account> visitor) {
    tree.forEachOfType(
        StateKey.Type.ACCOUNT.code(),
        (k, v) -> {
          byte[] a = new byte[Address.LENGTH];
          System.arraycopy(k, 1, a, 0, Address.LENGTH);
          visitor.accept(Address.wrap(a), Account.decode(v));
        });
  }

  /**
   * The state after {@code diff}, which must start from this state's root.
   *
   * @throws IllegalArgumentException when the diff starts elsewhere or does not reach its root
   */
  public WorldState applyDiff(StateDiff diff, ForkJoinPool pool) {
    if (!diff.parentRoot().equals(root())) {
      throw new IllegalArgumentException(
          "diff starts at " + diff.parentRoot().toShortHex() + ", state is " + root().toShortHex());
    }
    List<StateChange> changes = diff.changes();
    byte[][] keys = new byte[changes.size()][];
    byte[][] values = new byte[changes.size()][];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = changes.get(i).key().raw();
      byte[] after = changes.get(i).after();
      values[i] = after == null ? null : after.clone();
    }
    WorldState next = new WorldState(tree.withSortedChanges(keys, values, pool));
    if (!next.root().equals(diff.root())) {
      throw new IllegalArgumentException(
          "diff claims root " + diff.root().toShortHex() + ", applying it gives " + next.root());
    }
    return next;
  }

  /** The state with sorted changes applied; the caller has checked them against this state. */
  WorldState withChanges(List<StateChange> changes, ForkJoinPool pool) {
    byte[][] keys = new byte[changes.size()][];
    byte[][] values = new byte[changes.size()][];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = changes.get(i).key().raw();
      values[i] = changes.get(i).after();
    }
    return new WorldState(tree.withSortedChanges(keys, values, pool));
  }

  static byte[] encodeAddresses(List<Address> list) {
    return new CanonicalWriter(4 + 20 * list.size())
        .list(list, CanonicalWriter::address)
        .toByteArray();
  }

  static List<Address> decodeAddresses(byte[] bytes) {
    CanonicalReader r = new CanonicalReader(bytes);
    List<Address> out = r.list(LedgerLimits.MAX_QUEUE_ENTRIES, CanonicalReader::address);
    r.end();
    return out;
  }

  static byte[] encodeHashes(List<Hash> list) {
    return new CanonicalWriter(4 + 32 * list.size())
        .list(list, CanonicalWriter::hash)
        .toByteArray();
  }

  static List<Hash> decodeHashes(byte[] bytes) {
    CanonicalReader r = new CanonicalReader(bytes);
    List<Hash> out = r.list(LedgerLimits.MAX_QUEUE_ENTRIES, CanonicalReader::hash);
    r.end();
    return out;
  }

  @Override
  public String toString() {
    return "WorldState[height=" + height() + ", root=" + root().toShortHex() + "]";
  }
}
