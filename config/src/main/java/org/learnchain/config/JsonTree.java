package org.learnchain.config;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import java.io.EOFException;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JSON document read with Gson's strict streaming parser into a small tree whose every node knows
 * its line and column, so that later checks can point at the offending value. Gson's own tree
 * ({@code JsonElement}) drops positions and silently keeps the last of duplicate keys; here a
 * duplicate key is a problem.
 */
final class JsonTree {
  /** Deeper nesting than any genesis needs; keeps a crafted file from exhausting the stack. */
  private static final int NESTING_LIMIT = 32;

  /**
   * Gson exposes positions only through {@code JsonReader.toString()} and exception messages, both
   * of the form "... at line L column C path P". The format has been stable across Gson releases;
   * JsonTreeTest pins it, and a mismatch degrades to an unknown position, never to a failure.
   */
  private static final Pattern LOCATION = Pattern.compile(" at line (\\d+) column (\\d+)");

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
    JsonReader reader = new JsonReader(new StringReader(text));
    reader.setStrictness(Strictness.STRICT);
    reader.setNestingLimit(NESTING_LIMIT);
    Reader r = new Reader(reader, text, problems);
    Node root;
    try {
      root = r.read();
    } catch (IOException e) {
      // The source is a StringReader, so every IOException is a syntax error (Gson's
      // MalformedJsonException, including a nesting-limit breach, or an EOFException).
      problems.at("", location(e.getMessage(), reader), "invalid JSON: " + describe(e));
      return Optional.empty();
    }
    boolean atEnd;
    try {
      atEnd = reader.peek() == JsonToken.END_DOCUMENT;
    } catch (IOException e) {
      // The strict reader refuses a second top-level value with an exception: same problem.
      atEnd = false;
    }
    if (atEnd) {
      return Optional.of(root);
    }
    problems.at(
        "", location(null, reader), "unexpected content after the end of the JSON document");
    return Optional.empty();
  }

  /** Reads values off a JsonReader, placing each at the column where its token starts. */
  private static final class Reader {
    private final JsonReader reader;
    private final String text;
    private final Problems problems;
    private final List<Integer> lineStarts = new ArrayList<>();

    Reader(JsonReader reader, String text, Problems problems) {
      this.reader = reader;
      this.text = text;
      this.problems = problems;
      lineStarts.add(0);
      for (int i = 0; i < text.length(); i++) {
        if (text.charAt(i) == '\n') {
          lineStarts.add(i + 1);
        }
      }
    }

    Node read() throws IOException {
      JsonToken token = reader.peek();
      switch (token) {
        case BEGIN_OBJECT:
          {
            SourcePosition pos = start("{");
            reader.beginObject();
            Map<String, Member> members = new LinkedHashMap<>();
            while (reader.hasNext()) {
              SourcePosition keyPos = start("\"");
              String name = reader.nextName();
              Node value = read();
              Member first = members.get(name);
              if (first != null) {
                problems.at(
                    path(reader.getPath()),
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
            reader.endObject();
            return new ObjectNode(members, pos);
          }
        case BEGIN_ARRAY:
          {
            SourcePosition pos = start("[");
            reader.beginArray();
            List<Node> items = new ArrayList<>();
            while (reader.hasNext()) {
              items.add(read());
            }
            reader.endArray();
            return new ArrayNode(items, pos);
          }
        case STRING:
          {
            SourcePosition pos = start("\"");
            return new StringNode(reader.nextString(), pos);
          }
        case NUMBER:
          {
            SourcePosition reported = location(reader.toString(), null);
            String literal = reader.nextString();
            return new NumberNode(literal, start(reported, literal));
          }
        case BOOLEAN:
          {
            SourcePosition reported = location(reader.toString(), null);
            boolean value = reader.nextBoolean();
            return new BoolNode(value, start(reported, value ? "true" : "false"));
          }
        case NULL:
          {
            SourcePosition reported = location(reader.toString(), null);
            reader.nextNull();
            return new NullNode(start(reported, "null"));
          }
        default:
          // NAME, END_* and END_DOCUMENT cannot start a value in a well-formed document, and the
          // strict reader rejects malformed ones before we get here.
          throw new MalformedJsonException("unexpected " + token);
      }
    }

    private SourcePosition start(String token) {
      return start(location(reader.toString(), null), token);
    }

    /**
     * Where {@code token} starts. After {@code peek()} Gson's position is sometimes at the token
     * (decimal numbers), sometimes one character in (strings, brackets) and sometimes just past it
     * (integers, keywords); the candidate whose text matches the token is the start. If none does,
     * the line is kept and the column dropped rather than guessed.
     */
    private SourcePosition start(SourcePosition reported, String token) {
      if (reported.line() < 1 || reported.line() > lineStarts.size()) {
        return SourcePosition.UNKNOWN;
      }
      int lineStart = lineStarts.get(reported.line() - 1);
      for (int column :
          new int[] {
            reported.column() - 1, reported.column(), reported.column() - token.length()
          }) {
        int offset = lineStart + column - 1;
        if (column >= 1 && text.startsWith(token, offset)) {
          return new SourcePosition(reported.line(), column);
        }
      }
      return new SourcePosition(reported.line(), 0);
    }
  }

  private static SourcePosition location(String message, JsonReader fallback) {
    if (message != null) {
      Matcher m = LOCATION.matcher(message);
      if (m.find()) {
        return new SourcePosition(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
      }
    }
    return fallback == null ? SourcePosition.UNKNOWN : location(fallback.toString(), null);
  }

  /** Gson's message without its location suffix and troubleshooting link, on one line. */
  private static String describe(Exception e) {
    if (e instanceof EOFException) {
      return "unexpected end of file";
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int cut = message.indexOf(" at line ");
    if (cut >= 0) {
      message = message.substring(0, cut);
    }
    int nl = message.indexOf('\n');
    if (nl >= 0) {
      message = message.substring(0, nl);
    }
    if (message.startsWith("Use JsonReader.setStrictness")) {
      // Gson's advice to go lenient is not for our users: say what is wrong instead.
      return "malformed value (JSON allows no comments, single quotes, unquoted strings,"
          + " leading zeros or trailing commas)";
    }
    if (message.contains("Nesting limit")) {
      return "nested deeper than " + NESTING_LIMIT + " levels";
    }
    return message.isEmpty()
        ? "syntax error"
        : Character.toLowerCase(message.charAt(0)) + message.substring(1);
  }

  /** Gson's {@code $.members[2].publicKey} as {@code members[2].publicKey}. */
  static String path(String gsonPath) {
    if (gsonPath.startsWith("$.")) {
      return gsonPath.substring(2);
    }
    return gsonPath.startsWith("$") ? gsonPath.substring(1) : gsonPath;
  }
}
