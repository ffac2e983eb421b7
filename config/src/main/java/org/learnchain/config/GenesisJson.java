package org.learnchain.config;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.learnchain.config.JsonTree.Node;
import org.learnchain.config.spec.ProtocolSchedule;
import org.learnchain.crypto.PublicKey;

/**
 * Reads and writes genesis.json. Every key is required (a chain parameter that silently took a
 * default could differ between two nodes' software versions), except the {@code spec} section whose
 * defaults are part of the protocol (docs/chain-spec.md); unknown keys are errors (a misspelt key
 * would otherwise be ignored). Reading reports every problem at once, each with the file, the
 * dotted key and the line.
 *
 * <pre>
 * {
 *   "chainId": "learnchain-devnet",
 *   "genesisTimeMs": 1767225600000,
 *   "members": [{"publicKey": "64 hex", "roles": ["miner", "validator"], "balance": 1000, "stake": 0}],
 *   "rounds": {"trainingMs": .., "evaluationMs": .., "awardMs": .., "idleBlockMs": ..},
 *   "rewards": {"bountyBurnBps": .., "validatorShareBps": .., "delegatorShareBps": .., "subsidy": ..,
 *               "minTxFee": .., "minBounty": .., "slashBps": ..},
 *   "problemTtlRounds": 100,
 *   "verificationTolerance": 1.0E-5,
 *   "limits": {"maxParameters": .., "maxModelBytes": .., "maxInferenceFlops": .., "allowedLayers": [..],
 *              "maxTrainSetBytes": .., "maxTestSamples": ..},
 *   "unbondingDelayRounds": 100,
 *   "spec": {"maxBlockTransactions": .., "milestones": [{"height": .., "maxModelBytes": ..}]}
 * }
 * </pre>
 */
public final class GenesisJson {
  private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");

  private GenesisJson() {}

  /** Reads and validates the genesis file at {@code file}. */
  public static ConfigResult<Genesis> read(Path file) {
    return ConfigText.read(file).flatMap(text -> parse(text, file.toString()));
  }

  /**
   * Parses and validates genesis JSON. {@code source} names the input in problems (usually the file
   * path).
   */
  public static ConfigResult<Genesis> parse(String text, String source) {
    Problems p = new Problems(source);
    Optional<Genesis> genesis =
        JsonTree.parse(text, p)
            .flatMap(root -> JsonFields.of(root, "", p))
            .flatMap(f -> decode(f, p));
    if (!p.isEmpty()) {
      List<ConfigProblem> sorted = new ArrayList<>(p.list());
      // Document order reads best; problems without a line (whole-file checks) go last.
      sorted.sort(
          Comparator.comparingInt((ConfigProblem c) -> c.line() == 0 ? Integer.MAX_VALUE : c.line())
              .thenComparingInt(ConfigProblem::column));
      return ConfigResult.invalid(sorted);
    }
    return ConfigResult.valid(
        genesis.orElseThrow(() -> new IllegalStateException("genesis not decoded yet no problem")));
  }

  private static Optional<Genesis> decode(JsonFields f, Problems p) {
    Optional<String> chainId = f.string("chainId");
    chainId.ifPresent(v -> GenesisValidator.chainId(v, p));
    Optional<Long> time = f.longValue("genesisTimeMs");
    time.ifPresent(v -> GenesisValidator.genesisTimeMs(v, p));
    Optional<List<Member>> members = f.array("members").flatMap(items -> members(items, p));
    members.ifPresent(v -> GenesisValidator.membership(v, p));
    Optional<RoundDurations> rounds = f.object("rounds").flatMap(GenesisJson::rounds);
    rounds.ifPresent(v -> GenesisValidator.rounds(v, p));
    Optional<Rewards> rewards = f.object("rewards").flatMap(GenesisJson::rewards);
    rewards.ifPresent(v -> GenesisValidator.rewards(v, p));
    Optional<Integer> ttl = f.intValue("problemTtlRounds");
    ttl.ifPresent(v -> GenesisValidator.problemTtlRounds(v, p));
    Optional<Double> tolerance = f.doubleValue("verificationTolerance");
    tolerance.ifPresent(v -> GenesisValidator.verificationTolerance(v, p));
    Optional<ModelLimits> limits = f.object("limits").flatMap(l -> limits(l, p));
    int beforeLimits = p.size();
    limits.ifPresent(v -> GenesisValidator.limits(v, p));
    boolean limitsOk = limits.isPresent() && p.size() == beforeLimits;
    Optional<Integer> unbonding = f.intValue("unbondingDelayRounds");
    unbonding.ifPresent(v -> GenesisValidator.unbondingDelayRounds(v, p));
    Optional<ProtocolSchedule> schedule = Optional.empty();
    List<String> sections = new ArrayList<>();
    if (limits.isPresent() && unbonding.isPresent()) {
      ProtocolSchedule defaults = Genesis.defaultSchedule(limits.get(), unbonding.get());
      Optional<Node> spec = f.optional("spec");
      if (spec.isEmpty()) {
        schedule = Optional.of(defaults);
        sections.add("spec");
      } else {
        schedule = ChainSpecJson.read(spec.get(), defaults.genesisSpec(), p, sections);
      }
      if (limitsOk) {
        schedule.ifPresent(v -> GenesisValidator.schedule(v, limits.get(), sections, p));
      }
    } else {
      f.optional("spec");
    }
    f.rejectUnknown();
    if (chainId.isEmpty()
        || time.isEmpty()
        || members.isEmpty()
        || rounds.isEmpty()
        || rewards.isEmpty()
        || ttl.isEmpty()
        || tolerance.isEmpty()
        || limits.isEmpty()
        || unbonding.isEmpty()
        || schedule.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Genesis(
            chainId.get(),
            time.get(),
            members.get(),
            rounds.get(),
            rewards.get(),
            ttl.get(),
            tolerance.get(),
            limits.get(),
            unbonding.get(),
            schedule.get()));
  }

  /** All members, or empty when any of them is unusable (membership checks need all of them). */
  private static Optional<List<Member>> members(List<Node> items, Problems p) {
    List<Member> out = new ArrayList<>();
    boolean complete = true;
    for (int i = 0; i < items.size(); i++) {
      int index = i;
      Optional<Member> m =
          JsonFields.of(items.get(i), "members[" + i + "]", p).flatMap(f -> member(index, f, p));
      m.ifPresent(v -> GenesisValidator.member(index, v, p));
      if (m.isPresent()) {
        out.add(m.get());
      } else {
        complete = false;
      }
    }
    return complete ? Optional.of(out) : Optional.empty();
  }

  private static Optional<Member> member(int index, JsonFields f, Problems p) {
    Optional<PublicKey> key = f.string("publicKey").flatMap(hex -> publicKey(hex, f, p));
    Optional<Set<Role>> roles = f.array("roles").flatMap(items -> roles(items, f, p));
    Optional<Long> balance = f.longValue("balance");
    Optional<Long> stake = f.longValue("stake");
    f.rejectUnknown();
    if (key.isEmpty() || roles.isEmpty() || balance.isEmpty() || stake.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Member(key.get(), roles.get(), balance.get(), stake.get()));
  }

  private static Optional<PublicKey> publicKey(String hex, JsonFields f, Problems p) {
    if (!HEX64.matcher(hex).matches()) {
      p.add(
          f.path("publicKey"),
          hex.length() == 64
              ? "must be hexadecimal (an Ed25519 public key)"
              : "must be 64 hex characters (an Ed25519 public key), got " + hex.length());
      return Optional.empty();
    }
    PublicKey key = PublicKey.fromHex(hex.toLowerCase(Locale.ROOT));
    if (!key.isValidPoint()) {
      p.add(f.path("publicKey"), "is not a valid Ed25519 public key (not a curve point)");
      return Optional.empty();
    }
    return Optional.of(key);
  }

  private static Optional<Set<Role>> roles(List<Node> items, JsonFields f, Problems p) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    boolean ok = true;
    for (int j = 0; j < items.size(); j++) {
      String key = f.path("roles") + "[" + j + "]";
      Optional<String> id = JsonFields.asString(items.get(j), key, p);
      if (id.isEmpty()) {
        ok = false;
        continue;
      }
      Optional<Role> role = roleOf(id.get());
      if (role.isEmpty()) {
        p.add(key, "unknown role '" + id.get() + "' (roles are miner, submitter, validator)");
        ok = false;
      } else if (!roles.add(role.get())) {
        p.add(key, "duplicate role '" + id.get() + "'");
        ok = false;
      }
    }
    return ok ? Optional.of(roles) : Optional.empty();
  }

  private static Optional<Role> roleOf(String id) {
    for (Role r : Role.values()) {
      if (r.id().equals(id)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  private static Optional<RoundDurations> rounds(JsonFields f) {
    Optional<Long> training = f.longValue("trainingMs");
    Optional<Long> evaluation = f.longValue("evaluationMs");
    Optional<Long> award = f.longValue("awardMs");
    Optional<Long> idle = f.longValue("idleBlockMs");
    f.rejectUnknown();
    if (training.isEmpty() || evaluation.isEmpty() || award.isEmpty() || idle.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new RoundDurations(training.get(), evaluation.get(), award.get(), idle.get()));
  }

  private static Optional<Rewards> rewards(JsonFields f) {
    Optional<Integer> burn = f.intValue("bountyBurnBps");
    Optional<Integer> validators = f.intValue("validatorShareBps");
    Optional<Integer> delegators = f.intValue("delegatorShareBps");
    Optional<Long> subsidy = f.longValue("subsidy");
    Optional<Long> minTxFee = f.longValue("minTxFee");
    Optional<Long> minBounty = f.longValue("minBounty");
    Optional<Integer> slash = f.intValue("slashBps");
    f.rejectUnknown();
    if (burn.isEmpty()
        || validators.isEmpty()
        || delegators.isEmpty()
        || subsidy.isEmpty()
        || minTxFee.isEmpty()
        || minBounty.isEmpty()
        || slash.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Rewards(
            burn.get(),
            validators.get(),
            delegators.get(),
            subsidy.get(),
            minTxFee.get(),
            minBounty.get(),
            slash.get()));
  }

  private static Optional<ModelLimits> limits(JsonFields f, Problems p) {
    Optional<Long> maxParameters = f.longValue("maxParameters");
    Optional<Long> maxModelBytes = f.longValue("maxModelBytes");
    Optional<Long> maxFlops = f.longValue("maxInferenceFlops");
    Optional<Set<String>> layers = f.array("allowedLayers").flatMap(items -> layers(items, f, p));
    Optional<Long> maxTrainSetBytes = f.longValue("maxTrainSetBytes");
    Optional<Integer> maxTestSamples = f.intValue("maxTestSamples");
    f.rejectUnknown();
    if (maxParameters.isEmpty()
        || maxModelBytes.isEmpty()
        || maxFlops.isEmpty()
        || layers.isEmpty()
        || maxTrainSetBytes.isEmpty()
        || maxTestSamples.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new ModelLimits(
            maxParameters.get(),
            maxModelBytes.get(),
            maxFlops.get(),
            layers.get(),
            maxTrainSetBytes.get(),
            maxTestSamples.get()));
  }

  private static Optional<Set<String>> layers(List<Node> items, JsonFields f, Problems p) {
    Set<String> layers = new HashSet<>();
    boolean ok = true;
    for (int j = 0; j < items.size(); j++) {
      String key = f.path("allowedLayers") + "[" + j + "]";
      Optional<String> name = JsonFields.asString(items.get(j), key, p);
      if (name.isEmpty()) {
        ok = false;
      } else if (!layers.add(name.get())) {
        p.add(key, "duplicate layer type '" + name.get() + "'");
        ok = false;
      }
    }
    return ok ? Optional.of(layers) : Optional.empty();
  }

  /**
   * The JSON text of {@code genesis}, keys in a fixed order, roles and layer types sorted, so that
   * equal genesis records give identical files.
   */
  public static String toJson(Genesis genesis) {
    StringWriter out = new StringWriter();
    try (JsonWriter w = new JsonWriter(out)) {
      w.setIndent("  ");
      w.beginObject();
      w.name("chainId").value(genesis.chainId());
      w.name("genesisTimeMs").value(genesis.genesisTimeMs());
      w.name("members").beginArray();
      for (Member m : genesis.members()) {
        w.beginObject();
        w.name("publicKey").value(m.publicKey().toHex());
        w.name("roles").beginArray();
        for (Role r : Role.values()) {
          if (m.has(r)) {
            w.value(r.id());
          }
        }
        w.endArray();
        w.name("balance").value(m.balance());
        w.name("stake").value(m.stake());
        w.endObject();
      }
      w.endArray();
      RoundDurations r = genesis.rounds();
      w.name("rounds").beginObject();
      w.name("trainingMs").value(r.trainingMs());
      w.name("evaluationMs").value(r.evaluationMs());
      w.name("awardMs").value(r.awardMs());
      w.name("idleBlockMs").value(r.idleBlockMs());
      w.endObject();
      Rewards rw = genesis.rewards();
      w.name("rewards").beginObject();
      w.name("bountyBurnBps").value(rw.bountyBurnBps());
      w.name("validatorShareBps").value(rw.validatorShareBps());
      w.name("delegatorShareBps").value(rw.delegatorShareBps());
      w.name("subsidy").value(rw.subsidy());
      w.name("minTxFee").value(rw.minTxFee());
      w.name("minBounty").value(rw.minBounty());
      w.name("slashBps").value(rw.slashBps());
      w.endObject();
      w.name("problemTtlRounds").value(genesis.problemTtlRounds());
      w.name("verificationTolerance").value(genesis.verificationTolerance());
      ModelLimits l = genesis.limits();
      w.name("limits").beginObject();
      w.name("maxParameters").value(l.maxParameters());
      w.name("maxModelBytes").value(l.maxModelBytes());
      w.name("maxInferenceFlops").value(l.maxInferenceFlops());
      w.name("allowedLayers").beginArray();
      for (String layer : l.allowedLayers().stream().sorted().collect(Collectors.toList())) {
        w.value(layer);
      }
      w.endArray();
      w.name("maxTrainSetBytes").value(l.maxTrainSetBytes());
      w.name("maxTestSamples").value(l.maxTestSamples());
      w.endObject();
      w.name("unbondingDelayRounds").value(genesis.unbondingDelayRounds());
      if (!genesis.hasDefaultSchedule()) {
        writeSpec(w, genesis);
      }
      w.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException("a StringWriter does not fail", e);
    }
    return out + "\n";
  }

  @SuppressWarnings("unchecked")
  private static void writeSpec(JsonWriter w, Genesis genesis) throws IOException {
    Map<String, Object> section =
        ChainSpecJson.toSection(
            genesis.schedule(),
            Genesis.defaultSchedule(genesis.limits(), genesis.unbondingDelayRounds())
                .genesisSpec());
    w.name("spec").beginObject();
    for (Map.Entry<String, Object> e : section.entrySet()) {
      if (e.getValue() instanceof List<?> milestones) {
        w.name(e.getKey()).beginArray();
        for (Object m : milestones) {
          w.beginObject();
          for (Map.Entry<String, Long> k : ((Map<String, Long>) m).entrySet()) {
            w.name(k.getKey()).value(k.getValue());
          }
          w.endObject();
        }
        w.endArray();
      } else {
        w.name(e.getKey()).value((Long) e.getValue());
      }
    }
    w.endObject();
  }

  /**
   * Writes {@code genesis} to {@code file} through a temporary file and an atomic rename, so a
   * crash never leaves half a genesis.
   *
   * @throws IllegalArgumentException if {@code genesis} breaks a rule: writing an invalid genesis
   *     is a bug in the caller, which built it
   */
  public static void write(Path file, Genesis genesis) throws IOException {
    List<ConfigProblem> problems = GenesisValidator.validate(genesis, file.toString());
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "refusing to write an invalid genesis: "
              + problems.stream().map(ConfigProblem::format).collect(Collectors.joining("; ")));
    }
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".genesis", ".tmp");
    try {
      Files.writeString(tmp, toJson(genesis), StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
