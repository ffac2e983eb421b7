package org.learnchain.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.learnchain.config.JsonTree.ArrayNode;
import org.learnchain.config.JsonTree.ObjectNode;

/**
 * Pins the positions taken from Jackson's token locations, the duplicate-key reporting and the read
 * constraints: if a Jackson upgrade changes any of them, this fails instead of every problem
 * silently losing its line.
 */
class JsonTreeTest {
  @Test
  void everyNodeKnowsWhereItStarts() {
    String text =
        """
        {
          "s": "text",
            "n": -12.5,
          "b": false, "t": true,
          "z": null,
          "a": [1, {"k": []}]
        }""";
    Problems p = new Problems("t.json");
    ObjectNode root = (ObjectNode) JsonTree.parse(text, p).orElseThrow();
    assertTrue(p.isEmpty(), () -> p.list().toString());
    assertEquals(new SourcePosition(1, 1), root.position());
    assertEquals(new SourcePosition(2, 3), root.members().get("s").keyPosition());
    assertEquals(new SourcePosition(2, 8), root.members().get("s").value().position());
    assertEquals(new SourcePosition(3, 5), root.members().get("n").keyPosition());
    assertEquals(new SourcePosition(3, 10), root.members().get("n").value().position());
    assertEquals(new SourcePosition(4, 8), root.members().get("b").value().position());
    assertEquals(new SourcePosition(4, 20), root.members().get("t").value().position());
    assertEquals(new SourcePosition(5, 8), root.members().get("z").value().position());
    ArrayNode a = (ArrayNode) root.members().get("a").value();
    assertEquals(new SourcePosition(6, 8), a.position());
    assertEquals(new SourcePosition(6, 9), a.items().get(0).position());
    assertEquals(new SourcePosition(6, 12), a.items().get(1).position());
    assertEquals("-12.5", ((JsonTree.NumberNode) root.members().get("n").value()).literal());
  }

  @Test
  void duplicateKeysAreProblemsButTheRestIsStillRead() {
    Problems p = new Problems("t.json");
    ObjectNode root =
        (ObjectNode)
            JsonTree.parse("{\"a\": 1,\n \"b\": {\"c\": 1, \"c\": 2},\n \"a\": 3}", p)
                .orElseThrow();
    assertEquals(
        List.of(
            "t.json:2:16: b.c: duplicate key 'c' (first written at line 2)",
            "t.json:3:2: a: duplicate key 'a' (first written at line 1)"),
        p.list().stream().map(ConfigProblem::format).toList());
    // The first occurrence wins.
    assertEquals("1", ((JsonTree.NumberNode) root.members().get("a").value()).literal());
  }

  @Test
  void duplicateKeysInsideArraysNameTheirItem() {
    Problems p = new Problems("t.json");
    JsonTree.parse("{\"m\": [{}, {\"k\": 1,\n \"k\": 2}]}", p).orElseThrow();
    assertEquals(
        List.of("t.json:2:2: m[1].k: duplicate key 'k' (first written at line 1)"),
        p.list().stream().map(ConfigProblem::format).toList());
  }

  @Test
  void readConstraintsRefuseOversizedTokensWithAPosition() {
    Problems p = new Problems("t.json");
    assertTrue(JsonTree.parse("{\n  \"n\": " + "9".repeat(1000) + "\n}", p).isEmpty());
    assertEquals(1, p.size());
    ConfigProblem number = p.list().get(0);
    assertTrue(number.message().contains("a number longer than 100 characters"), number.format());
    assertEquals(2, number.line(), number.format());

    Problems q = new Problems("t.json");
    assertTrue(
        JsonTree.parse("{\"s\": \"" + "x".repeat(JsonTree.MAX_STRING_LENGTH + 1) + "\"}", q)
            .isEmpty());
    assertEquals(1, q.size());
    assertTrue(q.list().get(0).message().contains("a string longer than"), q.list().toString());
  }

  @Test
  void nonStandardJsonIsRefused() {
    for (String text :
        List.of("{'a': 1}", "{a: 1}", "{\"a\": NaN}", "{\"a\": 1,}", "{\"a\": [1,]}")) {
      Problems p = new Problems("t.json");
      assertTrue(JsonTree.parse(text, p).isEmpty(), text);
      assertEquals(1, p.size(), text);
      assertTrue(p.list().get(0).message().startsWith("invalid JSON: "), p.list().toString());
      assertEquals(1, p.list().get(0).line(), text);
    }
  }
}
