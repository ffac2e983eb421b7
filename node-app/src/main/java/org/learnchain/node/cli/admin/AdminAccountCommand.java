package org.learnchain.node.cli.admin;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.protobuf.ByteString;
import java.util.List;
import org.learnchain.crypto.Address;
import org.learnchain.node.cli.client.ApiClient;
import org.learnchain.node.cli.client.ClientCommand;
import org.learnchain.node.cli.client.Json;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.proto.api.AccountReply;
import org.learnchain.proto.api.AccountRequest;
import org.learnchain.proto.api.Delegation;
import org.learnchain.proto.api.Unbonding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code learnchain admin account ADDRESS}: an account at the head: balance, nonce, stake, each
 * unbonding entry with the height that frees it, delegations out (to miners) and in (backers).
 */
@Command(
    name = "account",
    description = {
      "Show an account at the head: balance, nonce, stake, stake unbonding with the height",
      "that frees it, delegations out (to miners) and in (a miner's delegators)."
    })
public final class AdminAccountCommand extends ClientCommand {
  @Parameters(paramLabel = "ADDRESS", description = "40 hex characters")
  private String address;

  public AdminAccountCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  protected int run(ApiClient client) {
    Address a;
    try {
      a = Address.fromHex(address.startsWith("0x") ? address.substring(2) : address);
    } catch (IllegalArgumentException e) {
      return usage("ADDRESS: " + e.getMessage());
    }
    AccountReply r =
        client
            .node()
            .getAccount(
                AccountRequest.newBuilder().setAddress(ByteString.copyFrom(a.toArray())).build());
    if (options.json()) {
      JsonObject o = Json.object();
      o.addProperty("address", a.toHex());
      o.addProperty("height", r.getHeadHeight());
      o.addProperty("balance", r.getBalance());
      o.addProperty("nonce", r.getNonce());
      o.addProperty("nextNonce", r.getNextNonce());
      o.addProperty("stake", r.getStake());
      o.addProperty("unbonding", r.getUnbonding());
      o.addProperty("delegated", r.getDelegated());
      JsonArray entries = new JsonArray();
      for (Unbonding u : r.getUnbondingEntriesList()) {
        JsonObject e = new JsonObject();
        e.addProperty("amount", u.getAmount());
        e.addProperty("releaseHeight", u.getReleaseHeight());
        entries.add(e);
      }
      o.add("unbondingEntries", entries);
      o.add("delegationsOut", delegations(r.getDelegationsOutList(), "miner"));
      o.add("delegationsIn", delegations(r.getDelegationsInList(), "delegator"));
      ctx.out().println(o);
      return 0;
    }
    var out = ctx.out();
    out.println("address     " + a.toHex() + " (at height " + r.getHeadHeight() + ")");
    out.println("balance     " + r.getBalance());
    out.println("nonce       " + r.getNonce() + " (next " + r.getNextNonce() + ")");
    out.println(
        "stake       "
            + r.getStake()
            + " (unbonding "
            + r.getUnbonding()
            + ", delegated "
            + r.getDelegated()
            + ")");
    for (Unbonding u : r.getUnbondingEntriesList()) {
      out.println("unbonding   " + u.getAmount() + " frees at height " + u.getReleaseHeight());
    }
    for (Delegation d : r.getDelegationsOutList()) {
      out.println("delegates   " + d.getAmount() + " to miner " + Json.hex(d.getCounterparty()));
    }
    for (Delegation d : r.getDelegationsInList()) {
      out.println("backed by   " + d.getAmount() + " from " + Json.hex(d.getCounterparty()));
    }
    return 0;
  }

  private static JsonArray delegations(List<Delegation> list, String who) {
    JsonArray out = new JsonArray();
    for (Delegation d : list) {
      JsonObject e = new JsonObject();
      e.addProperty(who, Json.hex(d.getCounterparty()));
      e.addProperty("amount", d.getAmount());
      out.add(e);
    }
    return out;
  }
}
