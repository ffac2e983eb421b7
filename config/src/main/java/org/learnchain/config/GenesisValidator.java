package org.learnchain.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.learnchain.config.spec.Ceilings;
import org.learnchain.config.spec.ChainSpec;
import org.learnchain.config.spec.DerivedLimits;
import org.learnchain.config.spec.Milestone;
import org.learnchain.config.spec.ProtocolSchedule;
import org.learnchain.crypto.PublicKey;

/**
 * The rules a genesis must satisfy beyond its JSON types. They work on the records, so a genesis
 * built in code (testnet init, tests) is checked by the same rules as one read from a file; the
 * JSON reader adds line numbers to the problems found here.
 *
 * <p>Rules: {@code chainId} is 1..64 bytes of UTF-8 without whitespace or control characters; at
 * least one member, member keys unique, each member with at least one role, balances and stakes
 * non-negative and their total within a 64-bit integer; at least one miner and one validator; round
 * phases 1 ms..1 day; basis points in 0..10000 with {@code bountyBurnBps + validatorShareBps <=
 * 10000} (the rest of a bounty goes to the miner); subsidy and fees non-negative, minimum bounty at
 * least 1; {@code problemTtlRounds} and {@code unbondingDelayRounds} at least 1; {@code 0 <
 * verificationTolerance < 1}; every model limit at least 1, model bytes at most the model decoder
 * ceiling ({@link Ceilings#MAX_MODEL_BYTES}), layer names lowercase identifiers; every chain spec
 * value at least 1, and every milestone's derived limits within the decoder ceilings and a p2p
 * frame ({@link DerivedLimits#check}, docs/chain-spec.md).
 */
public final class GenesisValidator {
  public static final int MAX_BPS = 10_000;
  public static final long MAX_PHASE_MS = 86_400_000L;
  public static final long MAX_MODEL_BYTES = Ceilings.MAX_MODEL_BYTES;
  private static final Pattern LAYER_NAME = Pattern.compile("[a-z][a-z0-9_]{0,31}");

  private GenesisValidator() {}

  /** Every rule broken by {@code genesis}; empty when it is valid. */
  public static List<ConfigProblem> validate(Genesis genesis, String source) {
    Problems p = new Problems(source);
    check(genesis, p);
    return p.list();
  }

  static void check(Genesis g, Problems p) {
    chainId(g.chainId(), p);
    genesisTimeMs(g.genesisTimeMs(), p);
    for (int i = 0; i < g.members().size(); i++) {
      member(i, g.members().get(i), p);
    }
    membership(g.members(), p);
    if (g.rounds() == null) {
      p.add("rounds", "missing");
    } else {
      rounds(g.rounds(), p);
    }
    if (g.rewards() == null) {
      p.add("rewards", "missing");
    } else {
      rewards(g.rewards(), p);
    }
    problemTtlRounds(g.problemTtlRounds(), p);
    verificationTolerance(g.verificationTolerance(), p);
    boolean limitsOk = false;
    if (g.limits() == null) {
      p.add("limits", "missing");
    } else {
      int before = p.size();
      limits(g.limits(), p);
      limitsOk = p.size() == before;
    }
    unbondingDelayRounds(g.unbondingDelayRounds(), p);
    if (limitsOk) {
      List<String> sections = new ArrayList<>();
      for (int i = 0; i < g.schedule().milestones().size(); i++) {
        sections.add(i == 0 ? "spec" : "spec.milestones[" + (i - 1) + "]");
      }
      schedule(g.schedule(), g.limits(), sections, p);
    }
  }

  /**
   * The chain spec rules: values at least 1, height 0 starting from {@code limits.maxModelBytes},
   * and each milestone's derived limits (decoder ceilings, a maximum-size model and a full
   * transaction section fit a block, a block fits a p2p frame). {@code sections} names each
   * milestone's place in the file, for keys and positions.
   */
  static void schedule(
      ProtocolSchedule schedule, ModelLimits limits, List<String> sections, Problems p) {
    List<Milestone> milestones = schedule.milestones();
    if (schedule.genesisSpec().maxModelBytes() != limits.maxModelBytes()) {
      p.add(
          "spec",
          "height 0 has maxModelBytes "
              + schedule.genesisSpec().maxModelBytes()
              + " but limits.maxModelBytes is "
              + limits.maxModelBytes()
              + " (the limits section is its home; change it at a milestone)");
    }
    for (int i = 0; i < milestones.size(); i++) {
      String section = i < sections.size() ? sections.get(i) : "spec";
      ChainSpec spec = milestones.get(i).spec();
      boolean ranges = true;
      for (var e : ChainSpecJson.values(spec).entrySet()) {
        if (e.getValue() < 1) {
          p.add(section + "." + e.getKey(), "must be at least 1, got " + e.getValue());
          ranges = false;
        }
      }
      if (!ranges) {
        continue;
      }
      for (DerivedLimits.Violation v : DerivedLimits.check(spec)) {
        String key =
            i == 0 && v.key().equals("maxModelBytes")
                ? "limits.maxModelBytes"
                : section + "." + v.key();
        SourcePosition pos = p.positionOf(key);
        if (pos.equals(SourcePosition.UNKNOWN)) {
          pos = p.positionOf(section);
        }
        if (pos.equals(SourcePosition.UNKNOWN) && i == 0) {
          pos = p.positionOf("limits.maxModelBytes");
        }
        p.at(key, pos, v.message());
      }
    }
  }

  static void chainId(String id, Problems p) {
    int bytes = id.getBytes(StandardCharsets.UTF_8).length;
    if (bytes == 0 || bytes > 64) {
      p.add("chainId", "must be 1..64 bytes of UTF-8, got " + bytes);
    }
    if (id.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      p.add("chainId", "must not contain whitespace or control characters");
    }
  }

  static void genesisTimeMs(long t, Problems p) {
    atLeast("genesisTimeMs", t, 0, p);
  }

  static void member(int i, Member m, Problems p) {
    String key = "members[" + i + "]";
    if (m.roles().isEmpty()) {
      p.add(key + ".roles", "must hold at least one role (miner, submitter, validator)");
    }
    atLeast(key + ".balance", m.balance(), 0, p);
    atLeast(key + ".stake", m.stake(), 0, p);
  }

  static void membership(List<Member> members, Problems p) {
    if (members.isEmpty()) {
      p.add("members", "must list at least one member");
      return;
    }
    Map<PublicKey, Integer> firstIndex = new HashMap<>();
    long supply = 0;
    boolean overflow = false;
    for (int i = 0; i < members.size(); i++) {
      Member m = members.get(i);
      Integer first = firstIndex.putIfAbsent(m.publicKey(), i);
      if (first != null) {
        p.add(
            "members[" + i + "].publicKey",
            "duplicate member key, already listed as members[" + first + "]");
      }
      try {
        supply = Math.addExact(supply, Math.addExact(Math.max(0, m.balance()), m.stake()));
      } catch (ArithmeticException e) {
        overflow = true;
      }
    }
    if (overflow) {
      p.add("members", "total of balances and stakes exceeds the largest 64-bit integer");
    }
    if (members.stream().noneMatch(m -> m.has(Role.VALIDATOR))) {
      p.add("members", "no member has the validator role; at least one is needed");
    }
    if (members.stream().noneMatch(m -> m.has(Role.MINER))) {
      p.add("members", "no member has the miner role; at least one is needed");
    }
  }

  static void rounds(RoundDurations r, Problems p) {
    phase("rounds.trainingMs", r.trainingMs(), p);
    phase("rounds.evaluationMs", r.evaluationMs(), p);
    phase("rounds.awardMs", r.awardMs(), p);
    phase("rounds.idleBlockMs", r.idleBlockMs(), p);
  }

  private static void phase(String key, long ms, Problems p) {
    if (ms < 1 || ms > MAX_PHASE_MS) {
      p.add(key, "must be in 1.." + MAX_PHASE_MS + " ms (one day), got " + ms);
    }
  }

  static void rewards(Rewards r, Problems p) {
    boolean burnOk = bps("rewards.bountyBurnBps", r.bountyBurnBps(), p);
    boolean validatorOk = bps("rewards.validatorShareBps", r.validatorShareBps(), p);
    bps("rewards.delegatorShareBps", r.delegatorShareBps(), p);
    bps("rewards.slashBps", r.slashBps(), p);
    if (burnOk && validatorOk && r.bountyBurnBps() + r.validatorShareBps() > MAX_BPS) {
      p.add(
          "rewards.validatorShareBps",
          "bountyBurnBps + validatorShareBps = "
              + (r.bountyBurnBps() + r.validatorShareBps())
              + ", must be at most "
              + MAX_BPS
              + " (both are shares of the same bounty)");
    }
    atLeast("rewards.subsidy", r.subsidy(), 0, p);
    atLeast("rewards.minTxFee", r.minTxFee(), 0, p);
    atLeast("rewards.minBounty", r.minBounty(), 1, p);
  }

  private static boolean bps(String key, int v, Problems p) {
    if (v < 0 || v > MAX_BPS) {
      p.add(key, "must be in 0.." + MAX_BPS + " basis points, got " + v);
      return false;
    }
    return true;
  }

  static void problemTtlRounds(int v, Problems p) {
    atLeast("problemTtlRounds", v, 1, p);
  }

  static void verificationTolerance(double v, Problems p) {
    if (!(v > 0 && v < 1)) {
      p.add(
          "verificationTolerance",
          "must be greater than 0 and less than 1 (an output difference; bit equality across"
              + " machines cannot be required), got "
              + v);
    }
  }

  static void limits(ModelLimits l, Problems p) {
    atLeast("limits.maxParameters", l.maxParameters(), 1, p);
    if (l.maxModelBytes() < 1 || l.maxModelBytes() > MAX_MODEL_BYTES) {
      p.add(
          "limits.maxModelBytes",
          "must be in 1.."
              + MAX_MODEL_BYTES
              + " (the model decoder ceiling, 64 MiB), got "
              + l.maxModelBytes());
    }
    atLeast("limits.maxInferenceFlops", l.maxInferenceFlops(), 1, p);
    if (l.allowedLayers().isEmpty()) {
      p.add("limits.allowedLayers", "must name at least one layer type");
    }
    for (String layer : l.allowedLayers().stream().sorted().toList()) {
      if (!LAYER_NAME.matcher(layer).matches()) {
        p.add(
            "limits.allowedLayers",
            "'" + layer + "' is not a layer type name (lowercase letters, digits, '_')");
      }
    }
    atLeast("limits.maxTrainSetBytes", l.maxTrainSetBytes(), 1, p);
    atLeast("limits.maxTestSamples", l.maxTestSamples(), 1, p);
  }

  static void unbondingDelayRounds(int v, Problems p) {
    atLeast("unbondingDelayRounds", v, 1, p);
  }

  private static void atLeast(String key, long v, long min, Problems p) {
    if (v < min) {
      p.add(key, "must be at least " + min + ", got " + v);
    }
  }
}
