package org.learnchain.node.cli.admin;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.protobuf.ByteString;
import org.learnchain.crypto.PublicKey;
import org.learnchain.node.cli.client.ApiClient;
import org.learnchain.node.cli.client.ClientCommand;
import org.learnchain.node.cli.client.Json;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.proto.admin.DeniedPeersReply;
import org.learnchain.proto.admin.PeerKeyRequest;
import picocli.CommandLine.Parameters;

/**
 * The shared shape of {@code admin peers deny|allow KEY}: parse the member key, make the call,
 * print the deny list as it is afterwards. Both change what the node does, so both need the token.
 */
abstract class DenyListCommand extends ClientCommand {
  @Parameters(paramLabel = "KEY", description = "the member's public key (64 hex characters)")
  private String key;

  DenyListCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  protected final boolean needsToken() {
    return true;
  }

  /** The call this verb makes. */
  protected abstract DeniedPeersReply call(ApiClient client, PeerKeyRequest request);

  /** How the change is said in text output ("denied", "allowed"). */
  protected abstract String verb();

  @Override
  protected final int run(ApiClient client) {
    String hex = key.strip();
    if (!hex.matches("[0-9a-fA-F]{64}")) {
      return usage("KEY must be a public key of 64 hex characters, got '" + key + "'");
    }
    PublicKey k = PublicKey.fromHex(hex);
    DeniedPeersReply r =
        call(
            client,
            PeerKeyRequest.newBuilder().setPublicKey(ByteString.copyFrom(k.toArray())).build());
    print(
        ctx,
        options.json(),
        r,
        k.address().toHex() + (r.getChanged() ? " " : " already ") + verb());
    return 0;
  }

  static void print(CliContext ctx, boolean json, DeniedPeersReply r, String line) {
    if (json) {
      JsonObject o = Json.object();
      o.addProperty("changed", r.getChanged());
      JsonArray keys = new JsonArray();
      r.getPublicKeysList().forEach(b -> keys.add(Json.hex(b)));
      o.add("denied", keys);
      ctx.out().println(o);
      return;
    }
    if (line != null) {
      ctx.out().println(line);
    }
    r.getPublicKeysList().forEach(b -> ctx.out().println("denied  " + Json.hex(b)));
    ctx.out().println(r.getPublicKeysCount() + " denied peer(s)");
  }
}
