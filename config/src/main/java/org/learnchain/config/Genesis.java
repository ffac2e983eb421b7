package org.learnchain.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.PublicKey;

/**
 * The chain's fixed parameters and initial state, read from genesis.json. Every node of a chain
 * must hold the same genesis; its hash identifies the chain together with {@link #chainId()}.
 *
 * @param chainId goes into every signature (domain separation) and every handshake
 * @param genesisTimeMs timestamp of block 0, milliseconds since the epoch
 * @param members the permissioned membership, in a fixed order (round-robin turns follow it)
 * @param rounds phase durations
 * @param rewards payout, burn, subsidy, fees, minimum bounty and slashing
 * @param problemTtlRounds rounds a submitted problem may stay pending before it expires and is
 *     refunded
 * @param verificationTolerance largest absolute difference allowed between a recomputed and a
 *     committed model output (DESIGN.md section 5)
 * @param limits ceilings on models and datasets
 * @param unbondingDelayRounds rounds between {@code Unstake} and the stake becoming spendable
 */
public record Genesis(
    String chainId,
    long genesisTimeMs,
    List<Member> members,
    RoundDurations rounds,
    Rewards rewards,
    int problemTtlRounds,
    double verificationTolerance,
    ModelLimits limits,
    int unbondingDelayRounds) {
  public Genesis {
    Objects.requireNonNull(chainId, "chainId");
    members = List.copyOf(members);
  }

  public Optional<Member> member(PublicKey key) {
    return members.stream().filter(m -> m.publicKey().equals(key)).findFirst();
  }

  public Optional<Member> member(Address address) {
    return members.stream().filter(m -> m.address().equals(address)).findFirst();
  }

  public List<Member> withRole(Role role) {
    return members.stream().filter(m -> m.has(role)).toList();
  }
}
