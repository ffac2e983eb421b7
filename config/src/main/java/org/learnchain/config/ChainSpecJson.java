package org.learnchain.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.learnchain.config.JsonTree.Node;
import org.learnchain.config.spec.ChainSpec;
import org.learnchain.config.spec.Milestone;
import org.learnchain.config.spec.ProtocolSchedule;

/**
 * Reads and writes the optional {@code spec} section of genesis.json: overrides of the default
 * {@link ChainSpec} and a list of milestones, each an activation height and the rules it changes.
 * Every key is optional (the defaults are documented in docs/chain-spec.md); unknown keys are
 * errors with a "did you mean" hint.
 *
 * <pre>
 * "spec": {
 *   "maxBlockTransactions": 50000,
 *   "milestones": [{"height": 1000, "maxBlockTransactions": 20000, "maxModelBytes": 4194304}]
 * }
 * </pre>
 */
final class ChainSpecJson {
  /** Spec keys in file order. {@code maxModelBytes} starts from {@code limits.maxModelBytes}. */
  static final List<String> KEYS =
      List.of(
          "maxModelBytes",
          "maxTransactionBytes",
          "maxBlockTransactions",
          "maxBlockTransactionBytes",
          "maxBlockBytes",
          "maxPendingProblems",
          "maxUnbondingEntries",
          "maxDelegations",
          "maxBackers",
          "evidenceWindowRounds",
          "maxTrainingSamples");

  /** Keys that only milestones may set (at height 0 they have their own home in genesis). */
  private static final Set<String> MILESTONE_ONLY = Set.of("maxModelBytes");

  private ChainSpecJson() {}

  /**
   * The schedule of {@code node} (the {@code spec} value) over {@code base} (the defaults), or
   * empty with problems. Each milestone's section path is recorded in {@code sections}.
   */
  static Optional<ProtocolSchedule> read(
      Node node, ChainSpec base, Problems p, List<String> sections) {
    Optional<JsonFields> top = JsonFields.of(node, "spec", p);
    if (top.isEmpty()) {
      return Optional.empty();
    }
    JsonFields f = top.get();
    List<Milestone> milestones = new ArrayList<>();
    Optional<ChainSpec> genesisSpec = overrides(f, base, false, p);
    Optional<List<Node>> items =
        f.optional("milestones").flatMap(n -> JsonFields.asArray(n, f.path("milestones"), p));
    f.rejectUnknown();
    if (genesisSpec.isEmpty()) {
      return Optional.empty();
    }
    milestones.add(new Milestone(0, genesisSpec.get()));
    sections.add("spec");
    boolean ok = true;
    if (items.isPresent()) {
      ChainSpec previous = genesisSpec.get();
      long lastHeight = 0;
      for (int i = 0; i < items.get().size(); i++) {
        String path = "spec.milestones[" + i + "]";
        Optional<JsonFields> mf = JsonFields.of(items.get().get(i), path, p);
        if (mf.isEmpty()) {
          ok = false;
          continue;
        }
        Optional<Long> height = mf.get().longValue("height");
        Optional<ChainSpec> spec = overrides(mf.get(), previous, true, p);
        mf.get().rejectUnknown();
        if (height.isEmpty() || spec.isEmpty()) {
          ok = false;
          continue;
        }
        if (height.get() <= lastHeight) {
          p.add(
              path + ".height",
              "must be greater than "
                  + lastHeight
                  + (i == 0 ? " (height 0 is the spec section itself)" : " (the height before)")
                  + ", got "
                  + height.get());
          ok = false;
          continue;
        }
        lastHeight = height.get();
        previous = spec.get();
        milestones.add(new Milestone(height.get(), spec.get()));
        sections.add(path);
      }
    }
    return ok ? Optional.of(new ProtocolSchedule(milestones)) : Optional.empty();
  }

  /** {@code base} with the keys {@code f} sets; every value must be at least 1. */
  private static Optional<ChainSpec> overrides(
      JsonFields f, ChainSpec base, boolean milestone, Problems p) {
    Map<String, Long> values = values(base);
    boolean ok = true;
    for (String key : KEYS) {
      if (!milestone && MILESTONE_ONLY.contains(key)) {
        if (f.has(key)) {
          f.optional(key);
          p.add(f.path(key), "is set at height 0 by limits." + key + "; a milestone may change it");
          ok = false;
        }
        continue;
      }
      Optional<Node> n = f.optional(key);
      if (n.isEmpty()) {
        continue;
      }
      boolean wide = key.equals("maxModelBytes");
      Optional<Long> v =
          wide
              ? JsonFields.asLong(n.get(), f.path(key), p)
              : JsonFields.asInt(n.get(), f.path(key), p).map(Integer::longValue);
      if (v.isEmpty()) {
        ok = false;
      } else if (v.get() < 1) {
        p.add(f.path(key), "must be at least 1, got " + v.get());
        ok = false;
      } else {
        values.put(key, v.get());
      }
    }
    return ok ? Optional.of(spec(values)) : Optional.empty();
  }

  static Map<String, Long> values(ChainSpec s) {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("maxModelBytes", s.maxModelBytes());
    m.put("maxTransactionBytes", (long) s.maxTransactionBytes());
    m.put("maxBlockTransactions", (long) s.maxBlockTransactions());
    m.put("maxBlockTransactionBytes", (long) s.maxBlockTransactionBytes());
    m.put("maxBlockBytes", (long) s.maxBlockBytes());
    m.put("maxPendingProblems", (long) s.maxPendingProblems());
    m.put("maxUnbondingEntries", (long) s.maxUnbondingEntries());
    m.put("maxDelegations", (long) s.maxDelegations());
    m.put("maxBackers", (long) s.maxBackers());
    m.put("evidenceWindowRounds", (long) s.evidenceWindowRounds());
    m.put("maxTrainingSamples", (long) s.maxTrainingSamples());
    return m;
  }

  private static ChainSpec spec(Map<String, Long> v) {
    return new ChainSpec(
        v.get("maxModelBytes"),
        Math.toIntExact(v.get("maxTransactionBytes")),
        Math.toIntExact(v.get("maxBlockTransactions")),
        Math.toIntExact(v.get("maxBlockTransactionBytes")),
        Math.toIntExact(v.get("maxBlockBytes")),
        Math.toIntExact(v.get("maxPendingProblems")),
        Math.toIntExact(v.get("maxUnbondingEntries")),
        Math.toIntExact(v.get("maxDelegations")),
        Math.toIntExact(v.get("maxBackers")),
        Math.toIntExact(v.get("evidenceWindowRounds")),
        Math.toIntExact(v.get("maxTrainingSamples")));
  }

  /**
   * The {@code spec} section of {@code schedule} over {@code base}: the height-0 keys that differ
   * from the defaults, then each milestone's keys that differ from the milestone before.
   */
  static Map<String, Object> toSection(ProtocolSchedule schedule, ChainSpec base) {
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Long> previous = values(base);
    Map<String, Long> genesis = values(schedule.genesisSpec());
    for (String key : KEYS) {
      if (!MILESTONE_ONLY.contains(key) && !genesis.get(key).equals(previous.get(key))) {
        out.put(key, genesis.get(key));
      }
    }
    previous = genesis;
    List<Map<String, Long>> milestones = new ArrayList<>();
    for (Milestone m : schedule.milestones().subList(1, schedule.milestones().size())) {
      Map<String, Long> item = new LinkedHashMap<>();
      item.put("height", m.activationHeight());
      Map<String, Long> now = values(m.spec());
      for (String key : KEYS) {
        if (!now.get(key).equals(previous.get(key))) {
          item.put(key, now.get(key));
        }
      }
      milestones.add(item);
      previous = now;
    }
    if (!milestones.isEmpty()) {
      out.put("milestones", milestones);
    }
    return out;
  }
}
