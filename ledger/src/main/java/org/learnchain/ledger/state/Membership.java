package org.learnchain.ledger.state;

import java.util.HashMap;
import java.util.Map;
import org.learnchain.config.Genesis;
import org.learnchain.config.Member;
import org.learnchain.config.Role;
import org.learnchain.crypto.Address;

/** The genesis member list, indexed for the role checks the rules make. */
final class Membership {
  private final Map<Address, Member> members;

  Membership(Genesis genesis) {
    Map<Address, Member> m = new HashMap<>();
    for (Member member : genesis.members()) {
      m.put(member.address(), member);
    }
    this.members = Map.copyOf(m);
  }

  boolean hasRole(Address a, Role role) {
    Member m = members.get(a);
    return m != null && m.has(role);
  }

  /** Members holding {@code role}, not counting {@code except} (may be null); at least 1. */
  long countWithRole(Role role, Address except) {
    long n =
        members.values().stream().filter(m -> m.has(role) && !m.address().equals(except)).count();
    return Math.max(1, n);
  }
}
