package org.learnchain.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A JSON document read with Jackson's streaming parser into a small tree whose every node knows the
 * line and column where its token starts ({@link JsonParser#currentTokenLocation()}), so that later
 * checks can point at the offending value.
 *
 * <p>Jackson's parser is strict by default (no comments, single quotes, unquoted names, leading
 * zeros, NaN or trailing commas) and bounds what it reads ({@link StreamReadConstraints}: nesting
 * depth, number and string lengths), so a crafted file cannot exhaust the stack or the heap.
 *
 * <p>Duplicate keys are found here rather than with Jackson's {@code STRICT_DUPLICATE_DETECTION}:
 * that feature fails the parse at the first duplicate, while this reader reports every duplicate
 * (with the line of the first occurrence) and keeps the first value, so that the rest of the
 * document is still checked and one run shows everything to fix.
 */
final class JsonTree {
  /** Deeper nesting than any genesis needs; keeps a crafted file from exhausting the stack. */
  static final int NESTING_LIMIT = 32;

  /** Longest number literal: far beyond any 64-bit integer or double, far below a slow parse. */
  static final int MAX_NUMBER_LENGTH = 100;

  /** Longest string value or key (a chain id, a hex key, a layer name are all short). */
  static final int MAX_STRING_LENGTH = 1 << 16;

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(NESTING_LIMIT)
                  .maxNumberLength(MAX_NUMBER_LENGTH)
                  .maxStringLength(MAX_STRING_LENGTH)
                  .maxNameLength(MAX_STRING_LENGTH)
                  .build())
          // Keep the document text out of exception messages: they are shown to operators.
          .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          .build();

  private JsonTree() {}

  sealed interface Node permits ObjectNode, ArrayNode, StringNode, NumberNode, BoolNode, NullNode {
    SourcePosition position();

    /** The JSON type name, for "must be X, got Y" messages. */
    String typeName();
  }

  /** An object member: its value and where its key was written. */
  record Member(SourcePosition keyPosition, Node value) {}

  record ObjectNode(Map<String, Member> members, SourcePosition position) implements Node {
    ObjectNode {
      members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
    }

    @Override
    public String typeName() {
      return "an object";
    }
  }

  record ArrayNode(List<Node> items, SourcePosition position) implements Node {
    ArrayNode {
      items = List.copyOf(items);
    }

    @Override
    public String typeName() {
      return "an array";
    }
  }

  record StringNode(String value, SourcePosition position) implements Node {
    @Override
    public String typeName() {
      return "a string";
    }
  }

  /** A number kept as its literal, so integers beyond double precision are never rounded. */
  record NumberNode(String literal, SourcePosition position) implements Node {
    @Override
    public String typeName() {
      return "a number";
    }
  }

  record BoolNode(boolean value, SourcePosition position) implements Node {
    @Override
    public String typeName() {
      return "a boolean";
    }
  }

  record NullNode(SourcePosition position) implements Node {
    @Override
    public String typeName() {
      return "null";
    }
  }

  /**
   * Parses {@code text}. A syntax error is added to {@code problems} with the parser's line and
   * column and yields an empty result; duplicate keys are added too, but the tree (keeping the
   * first occurrence) is still returned so that the rest of the document gets checked.
   */
  static Optional<Node> parse(String text, Problems problems) {
    if (text.isBlank()) {
      problems.at("", SourcePosition.UNKNOWN, "file is empty, expected a JSON object");
      return Optional.empty();
    }
    try (JsonParser parser = FACTORY.createParser(text)) {
      Node root;
      try {
        parser.nextToken();
        root = read(parser, "", problems);
        JsonToken after = parser.nextToken();
        if (after != null) {
          problems.at(
              "",
              position(parser.currentTokenLocation()),
              "unexpected content after the end of the JSON document");
          return Optional.empty();
        }
      } catch (JsonProcessingException e) {
        // The source is a String, so every exception is a syntax error or a broken constraint.
        // A broken constraint carries no location: the parser's own position is where it broke.
        SourcePosition at = position(e.getLocation());
        if (at.equals(SourcePosition.UNKNOWN)) {
          at = position(parser.currentLocation());
        }
        problems.at("", at, "invalid JSON: " + describe(e));
        return Optional.empty();
      }
      return Optional.of(root);
    } catch (IOException e) {
      throw new UncheckedIOException("reading a String does not fail", e);
    }
  }

  /** Reads the value whose first token is current, leaving its last token current. */
  private static Node read(JsonParser parser, String path, Problems problems) throws IOException {
    JsonToken token = parser.currentToken();
    SourcePosition pos = position(parser.currentTokenLocation());
    switch (token) {
      case START_OBJECT:
        {
          Map<String, Member> members = new LinkedHashMap<>();
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            SourcePosition keyPos = position(parser.currentTokenLocation());
            String childPath = path.isEmpty() ? name : path + "." + name;
            parser.nextToken();
            Node value = read(parser, childPath, problems);
            Member first = members.get(name);
            if (first != null) {
              problems.at(
                  childPath,
                  keyPos,
                  "duplicate key '"
                      + name
                      + "' (first written at line "
                      + first.keyPosition().line()
                      + ")");
            } else {
              members.put(name, new Member(keyPos, value));
            }
          }
          return new ObjectNode(members, pos);
        }
      case START_ARRAY:
        {
          List<Node> items = new ArrayList<>();
          while (parser.nextToken() != JsonToken.END_ARRAY) {
            items.add(read(parser, path + "[" + items.size() + "]", problems));
          }
          return new ArrayNode(items, pos);
        }
      case VALUE_STRING:
        return new StringNode(parser.getText(), pos);
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return new NumberNode(parser.getText(), pos);
      case VALUE_TRUE:
        return new BoolNode(true, pos);
      case VALUE_FALSE:
        return new BoolNode(false, pos);
      case VALUE_NULL:
        return new NullNode(pos);
      default:
        // END_* and FIELD_NAME cannot start a value: the parser rejects such documents first.
        throw new IllegalStateException("unexpected token " + token + " at " + pos);
    }
  }

  private static SourcePosition position(JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return SourcePosition.UNKNOWN;
    }
    return new SourcePosition(location.getLineNr(), Math.max(0, location.getColumnNr()));
  }

  /** Jackson's message, without its location, as one short line an operator can act on. */
  private static String describe(JsonProcessingException e) {
    String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    if (e instanceof StreamConstraintsException) {
      if (message.contains("nesting depth")) {
        return "nested deeper than " + NESTING_LIMIT + " levels";
      }
      if (message.contains("Number value length")) {
        return "a number longer than " + MAX_NUMBER_LENGTH + " characters";
      }
      if (message.contains("String value length") || message.contains("Name length")) {
        return "a string longer than " + MAX_STRING_LENGTH + " characters";
      }
    }
    if (message.contains("end-of-input")) {
      return "unexpected end of file";
    }
    if (message.contains("was expecting double-quote to start field name")) {
      return "expected a key in double quotes (JSON allows no trailing commas)";
    }
    if (message.contains("was expecting a colon")) {
      return "expected ':' between a key and its value";
    }
    if (message.contains("Unrecognized token")
        || message.contains("comment")
        || message.contains("Leading zero")
        || message.contains("ALLOW_")
        || message.contains("Non-standard token")
        || message.contains("code 39")) {
      return "malformed value (JSON allows no comments, single quotes, unquoted strings,"
          + " leading zeros or trailing commas)";
    }
    int nl = message.indexOf('\n');
    if (nl >= 0) {
      message = message.substring(0, nl);
    }
    return message.isEmpty()
        ? "syntax error"
        : Character.toLowerCase(message.charAt(0)) + message.substring(1);
  }
}
