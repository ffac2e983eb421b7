package org.learnchain.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GenesisJsonTest {
  private static final Genesis GENESIS = TestGenesis.threeMembers();
  private static final String JSON = GenesisJson.toJson(GENESIS);

  @Test
  void writtenGenesisReadsBackEqual(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("net/genesis.json");
    GenesisJson.write(file, GENESIS);
    ConfigResult<Genesis> back = GenesisJson.read(file);
    assertTrue(back.isValid(), back::describeProblems);
    assertEquals(GENESIS, back.value());
    assertEquals(GENESIS.hash(), back.value().hash());
    assertEquals(JSON, Files.readString(file));
  }

  @Test
  void handWrittenExampleParses() throws IOException {
    String text = resource("genesis-example.json");
    ConfigResult<Genesis> r = GenesisJson.parse(text, "genesis-example.json");
    assertTrue(r.isValid(), r::describeProblems);
    Genesis g = r.value();
    assertEquals("learnchain-example", g.chainId());
    assertEquals(3, g.members().size());
    assertEquals(Set.of(Role.MINER, Role.VALIDATOR), g.members().get(1).roles());
    assertEquals(1_000_000L, g.members().get(0).balance());
    assertEquals(20_000L, g.rounds().trainingMs());
    assertEquals(500, g.rewards().bountyBurnBps());
    assertEquals(1e-5, g.verificationTolerance());
    assertEquals(Set.of("dense", "output"), g.limits().allowedLayers());
    assertEquals(50, g.unbondingDelayRounds());
    assertEquals(2, g.withRole(Role.SUBMITTER).size());
  }

  @Test
  void hashIgnoresFormattingKeyOrderAndSetOrder() {
    // Same content: minified, keys in another order, roles and layers in another order.
    String reordered =
        JSON.replace(
                "\"miner\",\n        \"submitter\",\n        \"validator\"",
                "\"validator\", \"miner\", \"submitter\"")
            .replaceAll("\\s+", "");
    Genesis g = GenesisJson.parse(reordered, "min.json").value();
    assertEquals(GENESIS.hash(), g.hash());
  }

  @Test
  void hashChangesWithEveryKindOfField() {
    List<Genesis> variants = new ArrayList<>();
    Genesis g = GENESIS;
    variants.add(withChainId(g, "learnchain-test2"));
    variants.add(
        new Genesis(
            g.chainId(),
            g.genesisTimeMs() + 1,
            g.members(),
            g.rounds(),
            g.rewards(),
            g.problemTtlRounds(),
            g.verificationTolerance(),
            g.limits(),
            g.unbondingDelayRounds()));
    // Member order matters: round-robin turns follow it.
    List<Member> swapped = new ArrayList<>(g.members());
    swapped.add(0, swapped.remove(1));
    variants.add(withMembers(g, swapped));
    List<Member> moreStake = new ArrayList<>(g.members());
    Member m = moreStake.get(2);
    moreStake.set(2, new Member(m.publicKey(), m.roles(), m.balance(), m.stake() + 1));
    variants.add(withMembers(g, moreStake));
    List<Member> otherRoles = new ArrayList<>(g.members());
    otherRoles.set(2, new Member(m.publicKey(), Set.of(Role.MINER), m.balance(), m.stake()));
    variants.add(withMembers(g, otherRoles));
    variants.add(
        new Genesis(
            g.chainId(),
            g.genesisTimeMs(),
            g.members(),
            g.rounds(),
            new Rewards(1000, 1000, 2000, 0, 1, 100, 5001),
            g.problemTtlRounds(),
            g.verificationTolerance(),
            g.limits(),
            g.unbondingDelayRounds()));
    variants.add(
        new Genesis(
            g.chainId(),
            g.genesisTimeMs(),
            g.members(),
            g.rounds(),
            g.rewards(),
            g.problemTtlRounds(),
            2e-5,
            g.limits(),
            g.unbondingDelayRounds()));
    for (Genesis v : variants) {
      assertNotEquals(GENESIS.hash(), v.hash(), v.toString());
    }
    assertEquals(
        variants.size(), variants.stream().map(Genesis::hash).collect(Collectors.toSet()).size());
  }

  @Test
  void hashOfFixedGenesisIsPinned() {
    // Freezes the canonical encoding: a change here forks every existing chain, so it must be a
    // deliberate new version tag, never an accident. (The value changed once when the default
    // model ceiling went from 16 to 8 MiB so that a default block fits a frame; the encoding did
    // not: a genesis with the default chain spec hashes exactly as before the spec existed.)
    assertEquals(
        "c354e7a1f29e6d2db1617bd46c4ee8495688d8d74eaf5cbc49d6856d16d7718c", GENESIS.hash().toHex());
  }

  static Stream<Arguments> brokenGenesis() {
    return Stream.of(
        broken(
            "\"bountyBurnBps\": 1000",
            "\"bountyBurnBps\": 12000",
            "rewards.bountyBurnBps",
            "must be in 0..10000"),
        brokenAt(
            "\"bountyBurnBps\": 1000",
            "\"bountyBurnBps\": 9500",
            "rewards.validatorShareBps",
            "bountyBurnBps + validatorShareBps = 10500",
            "validatorShareBps",
            1,
            1),
        broken(
            "\"delegatorShareBps\": 2000",
            "\"delegatorShareBps\": -1",
            "rewards.delegatorShareBps",
            "must be in 0..10000"),
        broken(
            "\"slashBps\": 5000", "\"slashBps\": 10001", "rewards.slashBps", "must be in 0..10000"),
        broken("\"minBounty\": 100", "\"minBounty\": 0", "rewards.minBounty", "at least 1"),
        broken("\"minTxFee\": 1", "\"minTxFee\": -5", "rewards.minTxFee", "at least 0"),
        broken(
            "\"subsidy\": 0",
            "\"subsidy\": \"0\"",
            "rewards.subsidy",
            "must be an integer, got a string"),
        broken("\"trainingMs\": 30000", "\"trainingMs\": 0", "rounds.trainingMs", "must be in 1.."),
        broken("\"awardMs\": 10000", "\"awardMs\": 86400001", "rounds.awardMs", "must be in 1.."),
        broken(
            "\"idleBlockMs\": 5000",
            "\"idleBlockMs\": 1.5",
            "rounds.idleBlockMs",
            "must be an integer, got 1.5"),
        broken(
            "\"evaluationMs\": 10000",
            "\"evaluationMs\": 99999999999999999999",
            "rounds.evaluationMs",
            "out of range for a 64-bit integer"),
        broken(
            "\"evaluationMs\": 10000",
            "\"evaluationMs\": 1e999999999",
            "rounds.evaluationMs",
            "out of range for a 64-bit integer"),
        broken("\"evaluationMs\": 10000", "\"evaluationMs\": 1.0e4", "rounds.evaluationMs", null),
        broken(
            "\"problemTtlRounds\": 100",
            "\"problemTtlRounds\": 0",
            "problemTtlRounds",
            "at least 1"),
        broken(
            "\"problemTtlRounds\": 100",
            "\"problemTtlRounds\": 3000000000",
            "problemTtlRounds",
            "out of range for a 32-bit integer"),
        broken(
            "\"unbondingDelayRounds\": 100",
            "\"unbondingDelayRounds\": -1",
            "unbondingDelayRounds",
            "at least 1"),
        broken(
            "\"verificationTolerance\": 1.0E-5",
            "\"verificationTolerance\": 0",
            "verificationTolerance",
            "greater than 0"),
        broken(
            "\"verificationTolerance\": 1.0E-5",
            "\"verificationTolerance\": 1.5",
            "verificationTolerance",
            "less than 1"),
        broken(
            "\"verificationTolerance\": 1.0E-5",
            "\"verificationTolerance\": true",
            "verificationTolerance",
            "must be a number, got a boolean"),
        broken(
            "\"verificationTolerance\": 1.0E-5",
            "\"verificationTolerance\": 1e400",
            "verificationTolerance",
            "out of range"),
        broken("\"chainId\": \"learnchain-test\"", "\"chainId\": \"\"", "chainId", "1..64 bytes"),
        broken(
            "\"chainId\": \"learnchain-test\"",
            "\"chainId\": \"" + "x".repeat(65) + "\"",
            "chainId",
            "got 65"),
        broken(
            "\"chainId\": \"learnchain-test\"",
            "\"chainId\": \"learn chain\"",
            "chainId",
            "whitespace"),
        broken(
            "\"chainId\": \"learnchain-test\"",
            "\"chainId\": 7",
            "chainId",
            "must be a string, got a number"),
        broken(
            "\"genesisTimeMs\": 1767225600000",
            "\"genesisTimeMs\": -1",
            "genesisTimeMs",
            "at least 0"),
        broken(
            "\"genesisTimeMs\": 1767225600000",
            "\"genesisTimeMs\": null",
            "genesisTimeMs",
            "must be an integer, got null"),
        brokenAt(
            "\"chainId\": \"learnchain-test\"",
            "\"chainID\": \"learnchain-test\"",
            "chainID",
            "unknown key (did you mean 'chainId'?)",
            "chainID",
            1,
            2),
        broken(
            "\"slashBps\": 5000",
            "\"slashBps\": 5000, \"slashbps\": 1",
            "rewards.slashbps",
            "unknown key"),
        broken(
            "\"slashBps\": 5000",
            "\"slashBps\": 5000, \"slashBps\": 1",
            "rewards.slashBps",
            "duplicate key 'slashBps'"),
        broken(
            "\"maxTestSamples\": 10000",
            "\"maxTestSamples\": 0",
            "limits.maxTestSamples",
            "at least 1"),
        broken(
            "\"maxModelBytes\": 8388608",
            "\"maxModelBytes\": 2147483648",
            "limits.maxModelBytes",
            "must be in 1..67108864"),
        brokenAt(
            "\"convolution\"",
            "\"Convolution\"",
            "limits.allowedLayers",
            "'Convolution' is not a layer type name",
            "allowedLayers",
            1,
            1),
        brokenAt(
            "\"convolution\"",
            "\"dense\"",
            "limits.allowedLayers[1]",
            "duplicate layer type 'dense'",
            "\"dense\"",
            2,
            1),
        broken(
            "\"convolution\"", "-3", "limits.allowedLayers[0]", "must be a string, got a number"),
        broken("\"stake\": 500", "\"stake\": -500", "members[0].stake", "at least 0"),
        brokenAt(
            "\"balance\": 2000",
            "\"balance\": 9223372036854775807",
            "members",
            "exceeds the largest 64-bit integer",
            "\"members\"",
            1,
            1),
        broken(
            "\"submitter\",\n        \"validator\"",
            "\"submitter\",\n        \"auditor\"",
            "members[0].roles[2]",
            "unknown role 'auditor'"),
        brokenAt(
            "\"submitter\",\n        \"validator\"",
            "\"submitter\",\n        \"submitter\"",
            "members[0].roles[2]",
            "duplicate role 'submitter'",
            "\"submitter\"",
            2,
            1),
        broken(
            "\"stake\": 500", "\"stake\": 500, \"weight\": 1", "members[0].weight", "unknown key"));
  }

  /** The problem is expected on the line of the last line of {@code to}, as the only problem. */
  private static Arguments broken(String from, String to, String key, String message) {
    String[] lines = to.split("\n");
    return brokenAt(from, to, key, message, lines[lines.length - 1].strip(), 1, 1);
  }

  /**
   * The problem is expected on the line of the {@code occurrence}-th {@code marker} in the changed
   * text, among {@code count} problems in all.
   */
  private static Arguments brokenAt(
      String from,
      String to,
      String key,
      String message,
      String marker,
      int occurrence,
      int count) {
    return Arguments.of(from, to, key, message, marker, occurrence, count);
  }

  @ParameterizedTest(name = "{2}: {3}")
  @MethodSource("brokenGenesis")
  void brokenValueIsReportedWithFileKeyAndLine(
      String from,
      String to,
      String key,
      String message,
      String marker,
      int occurrence,
      int count) {
    assertTrue(JSON.contains(from), "template lacks " + from);
    String text = JSON.replaceFirst(Pattern.quote(from), Matcher.quoteReplacement(to));
    ConfigResult<Genesis> r = GenesisJson.parse(text, "g.json");
    if (message == null) {
      assertTrue(r.isValid(), r::describeProblems);
      return;
    }
    assertFalse(r.isValid(), "accepted: " + to);
    ConfigProblem p =
        r.problems().stream()
            .filter(x -> x.key().equals(key))
            .findFirst()
            .orElseThrow(
                () -> new AssertionError("no problem for " + key + ": " + r.describeProblems()));
    assertTrue(p.message().contains(message), p.format());
    assertEquals("g.json", p.source());
    assertEquals(TestGenesis.lineOf(text, marker, occurrence), p.line(), p.format());
    assertTrue(p.column() > 0, p.format());
    assertEquals(count, r.problems().size(), r::describeProblems);
  }

  @Test
  void membershipRules() {
    // Only submitters: neither a miner nor a validator.
    Genesis g = GENESIS;
    List<Member> submitters =
        g.members().stream()
            .map(m -> new Member(m.publicKey(), Set.of(Role.SUBMITTER), m.balance(), m.stake()))
            .toList();
    ConfigResult<Genesis> r =
        GenesisJson.parse(GenesisJson.toJson(withMembers(g, submitters)), "g.json");
    assertEquals(
        List.of(
            "g.json:4:14: members: no member has the validator role; at least one is needed",
            "g.json:4:14: members: no member has the miner role; at least one is needed"),
        formatted(r));

    List<Member> dup = new ArrayList<>(g.members());
    dup.add(dup.get(1));
    r = GenesisJson.parse(GenesisJson.toJson(withMembers(g, dup)), "g.json");
    assertEquals(1, r.problems().size(), r::describeProblems);
    assertEquals("members[3].publicKey", r.problems().get(0).key());
    assertTrue(r.problems().get(0).message().contains("already listed as members[1]"));

    r = GenesisJson.parse(GenesisJson.toJson(withMembers(g, List.of())), "g.json");
    assertEquals(List.of("g.json:4:14: members: must list at least one member"), formatted(r));

    List<Member> noRoles = new ArrayList<>(g.members());
    Member m = noRoles.get(2);
    noRoles.set(2, new Member(m.publicKey(), Set.of(), m.balance(), m.stake()));
    r = GenesisJson.parse(GenesisJson.toJson(withMembers(g, noRoles)), "g.json");
    assertEquals("members[2].roles", r.problems().get(0).key(), r::describeProblems);
  }

  @Test
  void publicKeyMustBe64HexCharacters() {
    String hex = GENESIS.members().get(2).publicKey().toHex();
    ConfigResult<Genesis> r = GenesisJson.parse(JSON.replace(hex, hex.substring(2)), "g.json");
    assertEquals("members[2].publicKey", r.problems().get(0).key());
    assertTrue(r.problems().get(0).message().contains("got 62"), r::describeProblems);
    r = GenesisJson.parse(JSON.replace(hex, "zz" + hex.substring(2)), "g.json");
    assertTrue(r.problems().get(0).message().contains("hexadecimal"), r::describeProblems);
    // Upper-case hex is the same key.
    r = GenesisJson.parse(JSON.replace(hex, hex.toUpperCase()), "g.json");
    assertEquals(GENESIS, r.value());
    // Well-formed hex that is no curve point: that member could never sign anything.
    r = GenesisJson.parse(JSON.replace(hex, "ff".repeat(32)), "g.json");
    assertEquals("members[2].publicKey", r.problems().get(0).key());
    assertTrue(r.problems().get(0).message().contains("curve point"), r::describeProblems);
  }

  @Test
  void missingKeysAndWrongShapes() {
    String noLimits =
        JSON.substring(0, JSON.indexOf(",\n  \"limits\""))
            + JSON.substring(JSON.indexOf(",\n  \"unbondingDelayRounds\""));
    ConfigResult<Genesis> r = GenesisJson.parse(noLimits, "g.json");
    assertEquals(List.of("g.json:1:1: limits: missing required key"), formatted(r));

    r =
        GenesisJson.parse(
            JSON.replace("\"rounds\": {", "\"rounds\": [")
                .replace("\"idleBlockMs\": 5000\n  }", "\"idleBlockMs\": 5000\n  ]"),
            "g.json");
    assertFalse(r.isValid());
    // Not valid JSON any more ("name": value inside an array): a syntax error with a line.
    assertTrue(r.problems().get(0).message().startsWith("invalid JSON"), r::describeProblems);

    r =
        GenesisJson.parse(
            JSON.replace("\"members\": [", "\"members\": 5, \"x\": [")
                .replaceFirst("\\]\\s*,\\s*\"rounds\"", "], \"rounds\""),
            "g.json");
    assertTrue(
        r.problems().stream()
            .anyMatch(
                p ->
                    p.key().equals("members")
                        && p.message().equals("must be an array, got a number")),
        r::describeProblems);

    r = GenesisJson.parse("[1, 2]", "g.json");
    assertEquals(List.of("g.json:1:1: must be an object, got an array"), formatted(r));

    r = GenesisJson.parse("{\"chainId\": \"x\", \"members\": [3]}", "g.json");
    assertTrue(
        r.problems().stream()
            .anyMatch(
                p -> p.key().equals("members[0]") && p.message().contains("must be an object")),
        r::describeProblems);
  }

  @Test
  void everyProblemIsReportedTogetherInDocumentOrder() {
    String text =
        JSON.replace("\"chainId\": \"learnchain-test\"", "\"chainId\": \"\"")
            .replace("\"trainingMs\": 30000", "\"trainingMs\": -1")
            .replace("\"bountyBurnBps\": 1000", "\"bountyBurnBps\": 10001")
            .replace("\"slashBps\": 5000", "\"slashBps\": 5000, \"extra\": true")
            .replace("\"maxTestSamples\": 10000", "\"maxTestSamples\": \"many\"");
    ConfigResult<Genesis> r = GenesisJson.parse(text, "g.json");
    List<String> keys = r.problems().stream().map(ConfigProblem::key).toList();
    assertEquals(
        List.of(
            "chainId",
            "rounds.trainingMs",
            "rewards.bountyBurnBps",
            "rewards.extra",
            "limits.maxTestSamples"),
        keys,
        r::describeProblems);
    List<Integer> lines = r.problems().stream().map(ConfigProblem::line).toList();
    assertEquals(lines.stream().sorted().toList(), lines);
  }

  static Stream<Arguments> syntaxErrors() {
    return Stream.of(
        Arguments.of("{\n  \"chainId\": \"x\",\n}", 3, "invalid JSON"),
        Arguments.of("{\n  \"chainId\" \"x\"\n}", 2, "expected ':'"),
        Arguments.of("{\n  \"chainId\": \"x\n", 2, "invalid JSON"),
        Arguments.of("{\n  // comment\n  \"chainId\": 1\n}", 2, "malformed value"),
        Arguments.of("{\n  \"a\": 01\n}", 2, "malformed value"),
        Arguments.of("{\"a\": 1}\n{\"b\": 2}", 2, "unexpected content after the end"),
        Arguments.of("{\n  \"a\": [1, 2\n", 3, "unexpected end of file"),
        Arguments.of("", 0, "file is empty"),
        Arguments.of("   \n  ", 0, "file is empty"),
        Arguments.of("[".repeat(100) + "]".repeat(100), 1, "nested deeper than 32 levels"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("syntaxErrors")
  void invalidJsonIsOneProblemWithParserPosition(String text, int line, String message) {
    ConfigResult<Genesis> r = GenesisJson.parse(text, "g.json");
    assertEquals(1, r.problems().size(), r::describeProblems);
    ConfigProblem p = r.problems().get(0);
    assertEquals("", p.key());
    assertTrue(p.message().contains(message), p.format());
    assertEquals(line, p.line(), p.format());
    assertFalse(p.format().contains("\n"), p.format());
    assertFalse(p.format().contains("Troubleshooting"), p.format());
  }

  @Test
  void unreadableFiles(@TempDir Path dir) throws IOException {
    ConfigResult<Genesis> r = GenesisJson.read(dir.resolve("absent.json"));
    assertEquals(List.of(dir.resolve("absent.json") + ": file not found"), formatted(r));

    r = GenesisJson.read(dir);
    assertEquals(List.of(dir + ": is a directory, not a file"), formatted(r));

    Path big = dir.resolve("big.json");
    byte[] content = new byte[ConfigText.MAX_BYTES + 1];
    Arrays.fill(content, (byte) ' ');
    Files.write(big, content);
    r = GenesisJson.read(big);
    assertEquals(1, r.problems().size());
    assertTrue(r.problems().get(0).message().contains("larger than 1 MiB"), r::describeProblems);

    Path binary = dir.resolve("bin.json");
    Files.write(binary, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});
    r = GenesisJson.read(binary);
    assertEquals(List.of(binary + ": not a text file (invalid UTF-8)"), formatted(r));

    // A byte-order mark is tolerated.
    Path bom = dir.resolve("bom.json");
    Files.write(bom, ("\uFEFF" + JSON).getBytes(StandardCharsets.UTF_8));
    assertEquals(GENESIS, GenesisJson.read(bom).value());
  }

  @Test
  void validatorRulesApplyToRecordsBuiltInCode() {
    Genesis bad =
        new Genesis(
            "",
            -1,
            GENESIS.members(),
            new RoundDurations(0, 1, 1, 1),
            new Rewards(6000, 6000, 0, -1, 0, 1, 0),
            0,
            Double.NaN,
            new ModelLimits(0, 1, 1, Set.of(), 1, 1),
            0);
    List<ConfigProblem> problems = GenesisValidator.validate(bad, "code");
    assertEquals(
        List.of(
            "chainId",
            "genesisTimeMs",
            "rounds.trainingMs",
            "rewards.validatorShareBps",
            "rewards.subsidy",
            "problemTtlRounds",
            "verificationTolerance",
            "limits.maxParameters",
            "limits.allowedLayers",
            "unbondingDelayRounds"),
        problems.stream().map(ConfigProblem::key).toList());
    assertTrue(problems.stream().allMatch(p -> p.line() == 0 && p.source().equals("code")));
    assertTrue(GenesisValidator.validate(GENESIS, "code").isEmpty());
    assertThrows(IllegalArgumentException.class, () -> GenesisJson.write(Path.of("x"), bad));
  }

  @Test
  void defaultsAreValid() {
    assertTrue(GenesisValidator.validate(GENESIS, "defaults").isEmpty());
  }

  private static List<String> formatted(ConfigResult<?> r) {
    return r.problems().stream().map(ConfigProblem::format).toList();
  }

  private static Genesis withChainId(Genesis g, String chainId) {
    return new Genesis(
        chainId,
        g.genesisTimeMs(),
        g.members(),
        g.rounds(),
        g.rewards(),
        g.problemTtlRounds(),
        g.verificationTolerance(),
        g.limits(),
        g.unbondingDelayRounds());
  }

  private static Genesis withMembers(Genesis g, List<Member> members) {
    return new Genesis(
        g.chainId(),
        g.genesisTimeMs(),
        members,
        g.rounds(),
        g.rewards(),
        g.problemTtlRounds(),
        g.verificationTolerance(),
        g.limits(),
        g.unbondingDelayRounds());
  }

  private static String resource(String name) throws IOException {
    try (var in = GenesisJsonTest.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
