package org.learnchain.config;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.learnchain.config.spec.ChainSpec;
import org.learnchain.config.spec.ProtocolSchedule;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.crypto.Hashing;
import org.learnchain.crypto.PublicKey;
import org.learnchain.crypto.codec.CanonicalWriter;

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
 *     committed model output (docs/protocol.md section 5)
 * @param limits ceilings on models and datasets
 * @param unbondingDelayRounds rounds between {@code Unstake} and the stake becoming spendable
 * @param schedule the consensus-critical limits by height (genesis {@code spec} section; its
 *     height-0 {@code maxModelBytes} is {@code limits.maxModelBytes}), docs/chain-spec.md
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
    int unbondingDelayRounds,
    ProtocolSchedule schedule) {
  /** Versions the hashed encoding: a new layout gets a new tag, never a silent change. */
  private static final String HASH_TAG = "learnchain/genesis/v1";

  /** Marks the chain spec's part of the hashed encoding. */
  private static final String SPEC_TAG = "learnchain/genesis/spec/v1";

  /** Default problem lifetime: a pending problem expires after this many rounds. */
  public static final int DEFAULT_PROBLEM_TTL_ROUNDS = 100;

  /**
   * Default output tolerance: 100 times the largest cross-machine difference measured on softmax
   * outputs (1.2e-7, docs/platform-notes.md), far below any difference that changes a label with a
   * real margin.
   */
  public static final double DEFAULT_VERIFICATION_TOLERANCE = 1e-5;

  public static final int DEFAULT_UNBONDING_DELAY_ROUNDS = 100;

  public Genesis {
    Objects.requireNonNull(chainId, "chainId");
    members = List.copyOf(members);
    Objects.requireNonNull(schedule, "schedule");
  }

  /** A genesis with the default chain spec ({@link #defaultSchedule(ModelLimits, int)}). */
  public Genesis(
      String chainId,
      long genesisTimeMs,
      List<Member> members,
      RoundDurations rounds,
      Rewards rewards,
      int problemTtlRounds,
      double verificationTolerance,
      ModelLimits limits,
      int unbondingDelayRounds) {
    this(
        chainId,
        genesisTimeMs,
        members,
        rounds,
        rewards,
        problemTtlRounds,
        verificationTolerance,
        limits,
        unbondingDelayRounds,
        defaultSchedule(limits, unbondingDelayRounds));
  }

  /**
   * The schedule of a genesis without a {@code spec} section: one milestone of {@link
   * ChainSpec#defaults} starting from {@code limits.maxModelBytes}.
   */
  public static ProtocolSchedule defaultSchedule(ModelLimits limits, int unbondingDelayRounds) {
    return ProtocolSchedule.of(
        ChainSpec.defaults(limits == null ? 1 : limits.maxModelBytes(), unbondingDelayRounds));
  }

  /** The rules at {@code height} (shorthand for {@code schedule().at(height)}). */
  public ChainSpec spec(long height) {
    return schedule.at(height);
  }

  /**
   * The model limits in force at {@code height}: {@link #limits()} with the chain spec's {@code
   * maxModelBytes} at that height (a milestone may change it).
   */
  public ModelLimits limitsAt(long height) {
    long modelBytes = schedule.at(height).maxModelBytes();
    if (modelBytes == limits.maxModelBytes()) {
      return limits;
    }
    return new ModelLimits(
        limits.maxParameters(),
        modelBytes,
        limits.maxInferenceFlops(),
        limits.allowedLayers(),
        limits.maxTrainSetBytes(),
        limits.maxTestSamples());
  }

  /** Whether this genesis has the default schedule (no {@code spec} section is written). */
  public boolean hasDefaultSchedule() {
    return schedule.equals(defaultSchedule(limits, unbondingDelayRounds));
  }

  /**
   * A genesis with the default parameters ({@link RoundDurations#defaults()}, {@link
   * Rewards#defaults()}, {@link ModelLimits#defaults()} and the constants above), for testnet init
   * and tests.
   */
  public static Genesis withDefaults(String chainId, long genesisTimeMs, List<Member> members) {
    return new Genesis(
        chainId,
        genesisTimeMs,
        members,
        RoundDurations.defaults(),
        Rewards.defaults(),
        DEFAULT_PROBLEM_TTL_ROUNDS,
        DEFAULT_VERIFICATION_TOLERANCE,
        ModelLimits.defaults(),
        DEFAULT_UNBONDING_DELAY_ROUNDS);
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

  /**
   * The canonical encoding of every field, in declaration order. Sets (roles, layer types) are
   * written sorted; the member list keeps its order because round-robin turns depend on it. Two
   * genesis records are the same chain exactly when these bytes are equal, whatever the JSON
   * formatting they were read from.
   */
  public byte[] canonicalBytes() {
    CanonicalWriter w = new CanonicalWriter(256 + members.size() * 64);
    w.string(HASH_TAG);
    w.string(chainId);
    w.i64(genesisTimeMs);
    w.list(
        members,
        (mw, m) -> {
          mw.publicKey(m.publicKey());
          mw.list(m.roles().stream().map(Role::id).sorted().toList(), CanonicalWriter::string);
          mw.i64(m.balance());
          mw.i64(m.stake());
        });
    w.i64(rounds.trainingMs()).i64(rounds.evaluationMs());
    w.i64(rounds.awardMs()).i64(rounds.idleBlockMs());
    w.i32(rewards.bountyBurnBps()).i32(rewards.validatorShareBps());
    w.i32(rewards.delegatorShareBps()).i64(rewards.subsidy());
    w.i64(rewards.minTxFee()).i64(rewards.minBounty()).i32(rewards.slashBps());
    w.i32(problemTtlRounds);
    w.f64(verificationTolerance);
    w.i64(limits.maxParameters()).i64(limits.maxModelBytes()).i64(limits.maxInferenceFlops());
    w.list(
        limits.allowedLayers().stream().sorted(Comparator.naturalOrder()).toList(),
        CanonicalWriter::string);
    w.i64(limits.maxTrainSetBytes()).i32(limits.maxTestSamples());
    w.i32(unbondingDelayRounds);
    // A default schedule adds nothing, so a genesis written before the chain spec existed keeps
    // its hash; any other schedule is covered, so nodes that disagree on a rule never connect.
    if (!hasDefaultSchedule()) {
      w.string(SPEC_TAG);
      schedule.writeTo(w);
    }
    return w.toByteArray();
  }

  /**
   * SHA-256 of {@link #canonicalBytes()}. Peers compare it in the handshake: nodes with the same
   * chain id but different parameters must not talk to each other.
   */
  public Hash hash() {
    return Hashing.sha256(canonicalBytes());
  }
}
