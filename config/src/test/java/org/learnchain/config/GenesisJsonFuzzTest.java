package org.learnchain.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.learnchain.crypto.fuzz.FuzzInputs;

/**
 * Fuzzes the genesis reader on file bytes: strict UTF-8 decoding ({@link ConfigText#decode}) then
 * {@link GenesisJson#parse}. The contract checked: the answer is a genesis or a list of problems,
 * never an exception; every problem formats as one line (an operator reads them in a terminal, and
 * a key from the file must not be able to forge further lines); and an accepted genesis passes the
 * validator and writes back ({@link GenesisJson#toJson}) to JSON that reads as the same genesis
 * with the same hash.
 */
class GenesisJsonFuzzTest {
  static final String SOURCE = "genesis.json";

  @FuzzTest(maxDuration = "3m")
  @DictionaryEntries({
    "\"chainId\"",
    "\"genesisTimeMs\"",
    "\"members\"",
    "\"publicKey\"",
    "\"roles\"",
    "\"miner\"",
    "\"submitter\"",
    "\"validator\"",
    "\"balance\"",
    "\"stake\"",
    "\"rounds\"",
    "\"trainingMs\"",
    "\"rewards\"",
    "\"limits\"",
    "\"allowedLayers\"",
    "\"verificationTolerance\"",
    "1e999999999",
    "-0.0",
    "\\u0000",
    "\\n"
  })
  void parseGivesAGenesisOrOneLineProblems(byte[] file) {
    ConfigResult<String> text = ConfigText.decode(file, SOURCE);
    if (!text.isValid()) {
      assertOneLineProblems(text);
      return;
    }
    ConfigResult<Genesis> parsed = GenesisJson.parse(text.value(), SOURCE);
    if (!parsed.isValid()) {
      assertOneLineProblems(parsed);
      return;
    }
    Genesis genesis = parsed.value();
    assertEquals(List.of(), GenesisValidator.validate(genesis, SOURCE));
    ConfigResult<Genesis> again = GenesisJson.parse(GenesisJson.toJson(genesis), SOURCE);
    assertTrue(again.isValid(), again::describeProblems);
    assertEquals(genesis, again.value());
    assertEquals(genesis.hash(), again.value().hash());
  }

  static void assertOneLineProblems(ConfigResult<?> result) {
    assertFalse(result.problems().isEmpty(), "an invalid result says why");
    for (ConfigProblem p : result.problems()) {
      String line = p.format();
      assertFalse(line.contains("\n") || line.contains("\r"), () -> "not one line: " + line);
    }
  }

  static Map<String, byte[]> seeds() {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put("three-members", utf8(GenesisJson.toJson(TestGenesis.threeMembers())));
    seeds.put(
        "compact",
        utf8(GenesisJson.toJson(TestGenesis.threeMembers()).replace("\n", "").replace("  ", "")));
    String json = GenesisJson.toJson(TestGenesis.threeMembers());
    seeds.put(
        "chain-spec-milestones",
        utf8(
            json.substring(0, json.lastIndexOf('}')).stripTrailing()
                + ",\n  \"spec\": {\"maxPendingProblems\": 100, \"milestones\": [{\"height\": 10,"
                + " \"maxBlockTransactions\": 100, \"maxModelBytes\": 1048576}]}\n}\n"));
    return seeds;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void seedsAreValidGenesisFilesAndSaved() {
    for (byte[] seed : seeds().values()) {
      ConfigResult<Genesis> g = GenesisJson.parse(new String(seed, StandardCharsets.UTF_8), SOURCE);
      assertTrue(g.isValid(), g::describeProblems);
      parseGivesAGenesisOrOneLineProblems(seed);
    }
    FuzzInputs.sync(getClass(), "parseGivesAGenesisOrOneLineProblems", seeds());
  }

  /** Found by the fuzzer: a key's escaped line break split its "unknown key" problem in two. */
  @Test
  void aKeyWithALineBreakStaysOnOneLine() {
    String json =
        GenesisJson.toJson(TestGenesis.threeMembers())
            .replace("\"unbondingDelayRounds\"", "\"unbondingDelay\\nRounds\"");
    ConfigResult<Genesis> r = GenesisJson.parse(json, SOURCE);
    assertFalse(r.isValid());
    assertOneLineProblems(r);
    assertTrue(
        r.problems().stream().anyMatch(p -> p.key().equals("unbondingDelay Rounds")),
        r::describeProblems);
  }
}
