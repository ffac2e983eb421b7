package org.learnchain.p2p;

import java.util.Collection;
import java.util.Set;
import org.learnchain.config.Genesis;
import org.learnchain.config.Member;
import org.learnchain.crypto.PublicKey;

/**
 * The keys allowed to hold a p2p session: the chain is permissioned, so every other key is refused
 * during the handshake, before anything is allocated for it.
 */
public final class Membership {
  private final Set<PublicKey> keys;

  private Membership(Set<PublicKey> keys) {
    this.keys = Set.copyOf(keys);
  }

  public static Membership of(Collection<PublicKey> keys) {
    return new Membership(Set.copyOf(keys));
  }

  /** Every member listed in genesis, whatever its roles. */
  public static Membership fromGenesis(Genesis genesis) {
    return of(genesis.members().stream().map(Member::publicKey).toList());
  }

  public boolean contains(PublicKey key) {
    return keys.contains(key);
  }

  public Set<PublicKey> keys() {
    return keys;
  }

  public int size() {
    return keys.size();
  }

  @Override
  public String toString() {
    return "Membership[size=" + keys.size() + "]";
  }
}
