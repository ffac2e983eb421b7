package org.learnchain.ledger;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.learnchain.config.Genesis;
import org.learnchain.config.Member;
import org.learnchain.config.ModelLimits;
import org.learnchain.config.Rewards;
import org.learnchain.config.Role;
import org.learnchain.config.RoundDurations;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.PrivateKey;

/** Deterministic keys and genesis files for tests. */
public final class Fixtures {
  private Fixtures() {}

  public static final String CHAIN = "learnchain-test";

  /** Default test economics: 10% burn, 20% validators, 25% of the miner's part to delegators. */
  public static final Rewards REWARDS = new Rewards(1_000, 2_000, 2_500, 0, 10, 1_000, 5_000);

  public static final ModelLimits LIMITS =
      new ModelLimits(
          1_000_000, 8_000_000, 10_000_000, Set.of("dense", "output"), 50_000_000, 10_000);

  public static PrivateKey key(String name) {
    return PrivateKey.fromSeed(
        Hashing.sha256(("fixture-key/" + name).getBytes(StandardCharsets.UTF_8)).toArray());
  }

  public static PrivateKey key(int i) {
    return key("k" + i);
  }

  public static Address address(int i) {
    return key(i).publicKey().address();
  }

  public static Hash hash(String s) {
    return Hashing.sha256(s.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A genesis whose members 0..n-1 hold every role, {@code balance} and {@code stake} each, with
   * {@link #REWARDS}, TTL {@code ttl} and unbonding delay {@code delay}.
   */
  public static Genesis genesis(
      int n, long balance, long stake, Rewards rewards, int ttl, int delay) {
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      members.add(
          new Member(
              key(i).publicKey(),
              Set.of(Role.MINER, Role.SUBMITTER, Role.VALIDATOR),
              balance,
              stake));
    }
    return genesis(members, rewards, ttl, delay);
  }

  public static Genesis genesis(List<Member> members, Rewards rewards, int ttl, int delay) {
    return new Genesis(
        CHAIN,
        1_700_000_000_000L,
        members,
        new RoundDurations(10_000, 5_000, 5_000, 2_000),
        rewards,
        ttl,
        1e-5,
        LIMITS,
        delay);
  }

  public static Genesis genesis(int n) {
    return genesis(n, 1_000_000, 10_000, REWARDS, 20, 5);
  }

  public static SubmitProblem problem(long bounty, String tag) {
    return new SubmitProblem(
        hash("train/" + tag),
        1_000,
        hash("inputs/" + tag),
        hash("labels/" + tag),
        100,
        ("spec/" + tag).getBytes(StandardCharsets.UTF_8),
        bounty);
  }
}
