package org.learnchain.config;

import java.util.Objects;
import java.util.Set;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.PublicKey;

/**
 * A member listed in genesis: its key, its roles and what it starts with.
 *
 * @param balance spendable units at genesis
 * @param stake units bonded at genesis (validators and miners put stake at risk of slashing)
 */
public record Member(PublicKey publicKey, Set<Role> roles, long balance, long stake) {
  public Member {
    Objects.requireNonNull(publicKey, "publicKey");
    roles = Set.copyOf(roles);
  }

  public Address address() {
    return publicKey.address();
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }
}
