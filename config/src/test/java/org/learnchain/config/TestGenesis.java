package org.learnchain.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.learnchain.crypto.PrivateKey;

/** Deterministic genesis records for tests: member keys come from fixed seeds. */
final class TestGenesis {
  private TestGenesis() {}

  static PrivateKey key(int i) {
    byte[] seed = new byte[32];
    seed[0] = (byte) i;
    seed[31] = 7;
    return PrivateKey.fromSeed(seed);
  }

  /** Three members: all roles, miner+validator, submitter only. */
  static Genesis threeMembers() {
    List<Member> members = new ArrayList<>();
    members.add(
        new Member(
            key(1).publicKey(),
            Set.of(Role.MINER, Role.SUBMITTER, Role.VALIDATOR),
            1_000_000,
            500));
    members.add(new Member(key(2).publicKey(), Set.of(Role.MINER, Role.VALIDATOR), 2_000, 0));
    members.add(new Member(key(3).publicKey(), Set.of(Role.SUBMITTER), 50_000, 0));
    return Genesis.withDefaults("learnchain-test", 1_767_225_600_000L, members);
  }

  static int lineOf(String text, String needle) {
    return lineOf(text, needle, 1);
  }

  /** The 1-based line of the {@code occurrence}-th (1-based) {@code needle} in {@code text}. */
  static int lineOf(String text, String needle, int occurrence) {
    int at = -1;
    for (int i = 0; i < occurrence; i++) {
      at = text.indexOf(needle, at + 1);
      if (at < 0) {
        throw new IllegalArgumentException("not in text " + occurrence + " times: " + needle);
      }
    }
    return (int) text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
  }
}
