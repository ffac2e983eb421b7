package org.learnchain.node.cli.client;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.ByteString;
import java.util.HexFormat;

/** JSON and hex helpers for the client commands' output. */
public final class Json {
  private Json() {}

  /** Hex of {@code b}; empty bytes (an absent hash or address) as empty text. */
  public static String hex(ByteString b) {
    return HexFormat.of().formatHex(b.toByteArray());
  }

  /** Hex, or JSON null for absent (empty) bytes. */
  public static JsonElement hexOrNull(ByteString b) {
    return b.isEmpty() ? JsonNull.INSTANCE : new JsonPrimitive(hex(b));
  }

  /** A number, or JSON null for NaN (JSON has no NaN). */
  public static JsonElement number(double d) {
    return Double.isNaN(d) || Double.isInfinite(d) ? JsonNull.INSTANCE : new JsonPrimitive(d);
  }

  public static JsonObject object() {
    return new JsonObject();
  }

  /** A score for people: four decimals, or "-" when there is none. */
  public static String score(double d) {
    return Double.isNaN(d) ? "-" : String.format(java.util.Locale.ROOT, "%.4f", d);
  }

  /** A 0x-less short hash for people: the first 8 hex characters, or "-". */
  public static String shortHex(ByteString b) {
    String h = hex(b);
    return h.isEmpty() ? "-" : h.substring(0, Math.min(8, h.length()));
  }
}
