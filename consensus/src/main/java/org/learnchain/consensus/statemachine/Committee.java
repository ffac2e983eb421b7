package org.learnchain.consensus.statemachine;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.learnchain.config.Genesis;
import org.learnchain.config.Member;
import org.learnchain.config.Role;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.PublicKey;

/**
 * The permissioned membership from genesis, indexed for the state machine: roles by key, keys by
 * address, and the validators in genesis order (round-robin turns and finality count them).
 */
public final class Committee {
  private final Map<PublicKey, Member> byKey = new HashMap<>();
  private final Map<Address, PublicKey> keyByAddress = new HashMap<>();
  private final List<PublicKey> validators;

  public Committee(Genesis genesis) {
    for (Member m : genesis.members()) {
      byKey.put(m.publicKey(), m);
      keyByAddress.put(m.address(), m.publicKey());
    }
    validators = genesis.withRole(Role.VALIDATOR).stream().map(Member::publicKey).toList();
    if (validators.isEmpty()) {
      throw new IllegalArgumentException("genesis has no validator");
    }
  }

  public boolean has(PublicKey key, Role role) {
    Member m = byKey.get(key);
    return m != null && m.has(role);
  }

  public boolean isMember(PublicKey key) {
    return byKey.containsKey(key);
  }

  public Optional<PublicKey> keyOf(Address address) {
    return Optional.ofNullable(keyByAddress.get(address));
  }

  public List<PublicKey> validators() {
    return validators;
  }

  public boolean isValidator(PublicKey key) {
    return validators.contains(key);
  }

  /**
   * The validator that proposes consensus round {@code k} of {@code height} when no miner of a
   * ranking does (idle heights, and problem heights without a usable certificate or past its
   * ranking): round-robin from {@code height}.
   */
  public PublicKey proposerTurn(long height, int k) {
    return validators.get((int) Math.floorMod(height + k, (long) validators.size()));
  }

  /** The first turn {@code k >= 0} that is {@code key}'s at {@code height}, or -1. */
  public int firstTurnOf(PublicKey key, long height) {
    int i = validators.indexOf(key);
    if (i < 0) {
      return -1;
    }
    return (int) Math.floorMod(i - height, (long) validators.size());
  }

  /** Votes that make a quorum: more than two thirds of the validators (equal weights). */
  public int quorum() {
    return validators.size() * 2 / 3 + 1;
  }

  /**
   * Votes that must include at least one honest validator when fewer than a third are faulty: the
   * number of validators outside a quorum, plus one.
   */
  public int honestWitness() {
    return validators.size() - quorum() + 1;
  }
}
