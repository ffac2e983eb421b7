package org.learnchain.consensus.statemachine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.learnchain.consensus.message.Attestation;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.PublicKey;

/**
 * Attestation tallies. A block attested by more than two thirds of the validators is final
 * (DESIGN.md section 3). Honest validators attest at most one block per height, so two blocks of
 * one height can never both be final while fewer than a third of the validators equivocate (and an
 * equivocating validator leaves slashable evidence: {@link #conflicting}).
 */
public final class Finality {
  private final int threshold;
  private final Map<Hash, Map<PublicKey, Attestation>> byBlock = new HashMap<>();
  private final Map<Long, Map<PublicKey, Attestation>> byHeight = new HashMap<>();

  public Finality(int threshold) {
    this.threshold = threshold;
  }

  /**
   * Records a validly signed attestation of a validator. Only a validator's first attestation at a
   * height counts (so one that signs endless variants fills nothing); a different later one is
   * answered with the earlier one, as evidence.
   */
  public Optional<Attestation> add(Attestation a) {
    Map<PublicKey, Attestation> atHeight =
        byHeight.computeIfAbsent(a.height(), h -> new HashMap<>());
    Attestation earlier = atHeight.putIfAbsent(a.validator(), a);
    if (earlier == null) {
      byBlock.computeIfAbsent(a.blockHash(), h -> new HashMap<>()).put(a.validator(), a);
      return Optional.empty();
    }
    return earlier.blockHash().equals(a.blockHash()) ? Optional.empty() : Optional.of(earlier);
  }

  public int count(Hash block) {
    Map<PublicKey, Attestation> m = byBlock.get(block);
    return m == null ? 0 : m.size();
  }

  public boolean isFinal(Hash block) {
    return count(block) >= threshold;
  }

  /**
   * The attestations of {@code block}, sorted by validator key (the order blocks carry them in).
   */
  public List<Attestation> attestationsOf(Hash block) {
    Map<PublicKey, Attestation> m = byBlock.get(block);
    if (m == null) {
      return List.of();
    }
    List<Attestation> out = new ArrayList<>(m.values());
    out.sort(Comparator.comparing(Attestation::validator));
    return out;
  }

  /** Whether {@code validator}'s attestation at {@code height} conflicts with {@code a}. */
  public Optional<Attestation> conflicting(Attestation a) {
    Map<PublicKey, Attestation> m = byHeight.get(a.height());
    Attestation other = m == null ? null : m.get(a.validator());
    return other != null && !other.blockHash().equals(a.blockHash())
        ? Optional.of(other)
        : Optional.empty();
  }

  /** Forgets tallies below {@code height} (they are final or can no longer become so). */
  public void pruneBelow(long height) {
    Iterator<Map.Entry<Long, Map<PublicKey, Attestation>>> it = byHeight.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Long, Map<PublicKey, Attestation>> e = it.next();
      if (e.getKey() < height) {
        for (Attestation a : e.getValue().values()) {
          byBlock.remove(a.blockHash());
        }
        it.remove();
      }
    }
  }
}
