package org.learnchain.node.explorer;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.learnchain.consensus.Result;
import org.learnchain.consensus.message.WinnerCertificate;
import org.learnchain.consensus.message.WorkSection;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.Hash;
import org.learnchain.ledger.Block;
import org.learnchain.ledger.PendingProblem;
import org.learnchain.node.status.ProblemView;
import org.learnchain.node.status.RoundTracker;
import org.learnchain.node.support.VersionProvider;
import org.learnchain.p2p.PeerInfo;

/**
 * The explorer's JSON API: one method per resource, each answering a {@link Response} rather than
 * throwing, so that every bad request gets a status and a one-line JSON error ({@code {"status":
 * 400, "error": "..."}}): 400 for a malformed path, height, hash, address or parameter, 404 for
 * something well-formed that this node does not have. The resources and their fields are documented
 * in {@code openapi.json} beside the page.
 */
final class ExplorerApi {
  static final int DEFAULT_BLOCKS = 20;
  static final int MAX_BLOCKS = 100;

  /** Blocks a problem's leaderboard scans at most (from its inclusion on). */
  static final int MAX_LEADERBOARD_SCAN = 2_000;

  private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9/_.-]{1,200}");
  private static final Pattern HEIGHT = Pattern.compile("[0-9]{1,18}");
  private static final Pattern HASH = Pattern.compile("(0x)?[0-9a-fA-F]{64}");
  private static final Pattern ADDRESS = Pattern.compile("(0x)?[0-9a-fA-F]{40}");

  /** A JSON answer, or the bytes of a download. */
  record Response(int status, JsonElement body, byte[] bytes, String disposition) {
    static Response json(JsonElement body) {
      return new Response(200, body, null, null);
    }

    static Response fail(int status, String message) {
      return new Response(status, error(status, message), null, null);
    }
  }

  private final ExplorerSource src;
  private final LongSupplier clock;

  ExplorerApi(ExplorerSource src, LongSupplier clock) {
    this.src = src;
    this.clock = clock;
  }

  static JsonObject error(int status, String message) {
    JsonObject o = new JsonObject();
    o.addProperty("status", status);
    o.addProperty("error", message);
    return o;
  }

  /** A client's text cut to a length fit for an error message. */
  static String shorten(String s) {
    String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
    return clean.length() > 80 ? clean.substring(0, 80) + "..." : clean;
  }

  Response handle(String rawPath, String rawQuery) {
    if (!SAFE_PATH.matcher(rawPath).matches() || rawPath.contains("..")) {
      return Response.fail(400, "malformed path '" + shorten(rawPath) + "'");
    }
    Map<String, String> query;
    try {
      query = query(rawQuery);
    } catch (IllegalArgumentException e) {
      return Response.fail(400, "malformed query: " + e.getMessage());
    }
    String[] p = rawPath.substring("/api/".length()).split("/", -1);
    String resource = p[0];
    int n = p.length;
    if (n > 1 && p[n - 1].isEmpty()) {
      n--; // a trailing slash
    }
    Set<String> allowed = resource.equals("blocks") && n == 1 ? Set.of("from", "count") : Set.of();
    for (String key : query.keySet()) {
      if (!allowed.contains(key)) {
        return Response.fail(400, "unknown parameter '" + shorten(key) + "'");
      }
    }
    return switch (resource) {
      case "status" -> n == 1 ? Response.json(status()) : notFound(rawPath);
      case "round" -> n == 1 ? Response.json(round()) : notFound(rawPath);
      case "peers" -> n == 1 ? Response.json(peers()) : notFound(rawPath);
      case "blocks" -> {
        if (n == 1) {
          yield blocks(query);
        } else if (n == 2) {
          yield block(p[1]);
        } else if (n == 3 && p[2].equals("model")) {
          yield model(p[1]);
        }
        yield notFound(rawPath);
      }
      case "problems" ->
          n == 1 ? Response.json(problems()) : n == 2 ? problem(p[1]) : notFound(rawPath);
      case "accounts" -> n == 2 ? account(p[1]) : notFound(rawPath);
      default -> notFound(rawPath);
    };
  }

  private static Response notFound(String path) {
    return Response.fail(404, "no resource " + shorten(path) + "; see /openapi.json");
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    if (raw.length() > 512) {
      throw new IllegalArgumentException("longer than 512 characters");
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      if (out.put(k, v) != null) {
        throw new IllegalArgumentException("'" + shorten(k) + "' given twice");
      }
    }
    return out;
  }

  JsonObject status() {
    Block head = src.store().head();
    RoundTracker.Snapshot round = src.tracker().snapshot();
    JsonObject o = new JsonObject();
    o.addProperty("height", head.height());
    o.addProperty("headHash", head.hash().toHex());
    o.addProperty("headTimestampMs", head.header().timestampMs());
    o.addProperty("finalizedHeight", src.store().finalizedHeight());
    o.addProperty("peers", src.network().peers().size());
    o.addProperty("chainId", src.genesis().chainId());
    o.addProperty("genesisHash", src.store().genesisBlock().hash().toHex());
    o.addProperty("nodeAddress", src.nodeKey().address().toHex());
    o.addProperty("round", round.height());
    o.addProperty("phase", round.phase().id());
    o.addProperty("mempoolSize", src.mempool().size());
    o.addProperty("version", VersionProvider.version());
    o.addProperty("minTxFee", src.genesis().rewards().minTxFee());
    JsonObject rounds = new JsonObject();
    rounds.addProperty("trainingMs", src.genesis().rounds().trainingMs());
    rounds.addProperty("evaluationMs", src.genesis().rounds().evaluationMs());
    rounds.addProperty("awardMs", src.genesis().rounds().awardMs());
    rounds.addProperty("idleBlockMs", src.genesis().rounds().idleBlockMs());
    o.add("rounds", rounds);
    o.addProperty("nowMs", clock.getAsLong());
    return o;
  }

  JsonObject round() {
    JsonObject o = ExplorerJson.round(src.tracker().snapshot(), clock.getAsLong());
    if (o.has("problemId")) {
      Hash id = Hash.fromHex(o.get("problemId").getAsString());
      src.store().headState().problem(id).ifPresent(p -> o.addProperty("bounty", p.bounty()));
    }
    return o;
  }

  JsonObject peers() {
    JsonArray a = new JsonArray();
    for (PeerInfo p : src.network().peers()) {
      a.add(ExplorerJson.peer(p));
    }
    JsonObject o = new JsonObject();
    o.add("peers", a);
    return o;
  }

  private Response blocks(Map<String, String> query) {
    int count = DEFAULT_BLOCKS;
    if (query.containsKey("count")) {
      String c = query.get("count");
      if (!c.matches("[0-9]{1,4}") || Integer.parseInt(c) < 1 || Integer.parseInt(c) > MAX_BLOCKS) {
        return Response.fail(400, "count must be 1.." + MAX_BLOCKS + ", got '" + shorten(c) + "'");
      }
      count = Integer.parseInt(c);
    }
    long head = src.store().head().height();
    long from = Math.max(0, head - count + 1);
    if (query.containsKey("from")) {
      String f = query.get("from");
      if (!HEIGHT.matcher(f).matches()) {
        return Response.fail(400, "from must be a height (0 or more), got '" + shorten(f) + "'");
      }
      from = Long.parseLong(f);
    }
    long fin = src.store().finalizedHeight();
    JsonArray a = new JsonArray();
    // Newest first: the page lists the latest blocks at the top.
    for (long h = Math.min(head, from + count - 1); h >= from; h--) {
      Optional<Block> b = src.store().canonicalBlock(h);
      if (b.isEmpty()) {
        continue;
      }
      JsonObject o = ExplorerJson.block(b.get(), fin);
      verifyMs(b.get()).ifPresent(ms -> o.addProperty("verifyMs", ms));
      a.add(o);
    }
    JsonObject o = new JsonObject();
    o.addProperty("height", head);
    o.addProperty("finalizedHeight", fin);
    o.add("blocks", a);
    return Response.json(o);
  }

  private Optional<Long> verifyMs(Block b) {
    return src.tracker().verificationTime(b.header().modelHash()).map(d -> d.toMillis());
  }

  /** The block named by a height or a hash, or the error answer. */
  private Result<Block> find(String ref) {
    Optional<Block> b;
    if (HEIGHT.matcher(ref).matches()) {
      b = src.store().canonicalBlock(Long.parseLong(ref));
      return b.map(Result::ok).orElseGet(() -> Result.err("404:no block at height " + ref));
    }
    if (HASH.matcher(ref).matches()) {
      Hash h = Hash.fromHex(ref.toLowerCase(java.util.Locale.ROOT));
      b = src.store().block(h);
      return b.map(Result::ok).orElseGet(() -> Result.err("404:no block " + h.toHex()));
    }
    return Result.err(
        "400:a block is named by its height (a number) or its hash (64 hex characters), got '"
            + shorten(ref)
            + "'");
  }

  private static Response failure(Result<?> r) {
    String reason = r.reason();
    return Response.fail(Integer.parseInt(reason.substring(0, 3)), reason.substring(4));
  }

  private Response block(String ref) {
    Result<Block> b = find(ref);
    if (!b.isOk()) {
      return failure(b);
    }
    return Response.json(
        ExplorerJson.blockDetail(b.value(), src.store().finalizedHeight(), verifyMs(b.value())));
  }

  private Response model(String ref) {
    Result<Block> b = find(ref);
    if (!b.isOk()) {
      return failure(b);
    }
    Optional<byte[]> model = ExplorerJson.model(b.value());
    if (model.isEmpty()) {
      return Response.fail(404, "block " + b.value().height() + " carries no model");
    }
    String name = "model-" + b.value().header().modelHash().toShortHex() + ".zip";
    return new Response(200, null, model.get(), "attachment; filename=\"" + name + "\"");
  }

  JsonObject problems() {
    JsonArray a = new JsonArray();
    for (PendingProblem p : src.store().headState().pendingProblems()) {
      a.add(ExplorerJson.pendingProblem(p));
    }
    JsonObject o = new JsonObject();
    o.add("problems", a);
    return o;
  }

  private Response problem(String ref) {
    if (!HASH.matcher(ref).matches()) {
      return Response.fail(400, "a problem id is 64 hex characters, got '" + shorten(ref) + "'");
    }
    Hash id = Hash.fromHex(ref.toLowerCase(java.util.Locale.ROOT));
    Optional<ProblemView> v = ProblemView.of(id, src.store(), src.tracker(), src.mempool());
    if (v.isEmpty()) {
      return Response.fail(404, "no problem " + id.toHex() + " on chain or in the pool");
    }
    JsonObject o = ExplorerJson.problem(v.get());
    leaderboard(id, v.get(), o);
    return Response.json(o);
  }

  /**
   * Every round that worked on the problem (useful or wasted blocks naming it) and, per miner, its
   * best certified score, rounds ranked in and wins: the problem's leaderboard across rounds.
   */
  private void leaderboard(Hash id, ProblemView v, JsonObject out) {
    long head = src.store().head().height();
    long from = Math.max(1, v.includedHeight() + 1);
    long to = v.closedHeight() > 0 ? Math.min(head, v.closedHeight()) : head;
    from = Math.max(from, to - MAX_LEADERBOARD_SCAN + 1);
    JsonArray rounds = new JsonArray();
    Map<String, JsonObject> miners = new HashMap<>();
    for (long h = from; h <= to && v.includedHeight() > 0; h++) {
      Optional<Block> b = src.store().canonicalBlock(h);
      if (b.isEmpty() || !b.get().header().problemId().equals(id)) {
        continue;
      }
      Result<WorkSection> w = WorkSection.decode(b.get().work());
      if (!w.isOk()) {
        continue;
      }
      JsonObject r = new JsonObject();
      r.addProperty("height", h);
      r.addProperty("round", b.get().header().round());
      if (w.value() instanceof WorkSection.Useful u) {
        WinnerCertificate c = u.certificate();
        r.addProperty("outcome", "useful");
        r.addProperty("winner", c.winner().address().toHex());
        r.add("score", ExplorerJson.number(c.score()));
        r.addProperty("commits", u.commits().size());
        r.add("ranking", ExplorerJson.certificate(c).get("ranking"));
        for (WinnerCertificate.RankEntry e : c.ranking()) {
          String miner = e.miner().address().toHex();
          JsonObject m = miners.computeIfAbsent(miner, k -> newMiner(k));
          m.addProperty("rounds", m.get("rounds").getAsInt() + 1);
          if (!Double.isNaN(e.score())
              && (m.get("bestScore").isJsonNull()
                  || e.score() > m.get("bestScore").getAsDouble())) {
            m.addProperty("bestScore", e.score());
          }
          if (e.miner().equals(c.winner())) {
            m.addProperty("wins", m.get("wins").getAsInt() + 1);
          }
        }
      } else if (w.value() instanceof WorkSection.Wasted wasted) {
        r.addProperty("outcome", "wasted");
        r.addProperty("commits", wasted.commits().size());
      } else {
        continue;
      }
      rounds.add(r);
    }
    JsonArray board = new JsonArray();
    miners.values().stream()
        .sorted((a, b) -> Double.compare(score(b.get("bestScore")), score(a.get("bestScore"))))
        .forEach(board::add);
    out.add("rounds", rounds);
    out.add("leaderboard", board);
  }

  private static double score(JsonElement e) {
    return e.isJsonNull() ? Double.NEGATIVE_INFINITY : e.getAsDouble();
  }

  private static JsonObject newMiner(String address) {
    JsonObject m = new JsonObject();
    m.addProperty("miner", address);
    m.add("bestScore", com.google.gson.JsonNull.INSTANCE);
    m.addProperty("rounds", 0);
    m.addProperty("wins", 0);
    return m;
  }

  private Response account(String ref) {
    if (!ADDRESS.matcher(ref).matches()) {
      return Response.fail(400, "an address is 40 hex characters, got '" + shorten(ref) + "'");
    }
    Address a = Address.fromHex(ref.toLowerCase(java.util.Locale.ROOT));
    return Response.json(
        ExplorerJson.account(a, src.store().headState().account(a), src.nextNonce().apply(a)));
  }
}
