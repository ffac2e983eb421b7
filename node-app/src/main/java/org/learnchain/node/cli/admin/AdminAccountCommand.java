package org.learnchain.node.cli.admin;

import com.google.gson.JsonObject;
import com.google.protobuf.ByteString;
import org.learnchain.crypto.Address;
import org.learnchain.node.cli.CliContext;
import org.learnchain.node.cli.client.ApiClient;
import org.learnchain.node.cli.client.ClientCommand;
import org.learnchain.node.cli.client.Json;
import org.learnchain.proto.api.AccountReply;
import org.learnchain.proto.api.AccountRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code learnchain admin account ADDRESS}: an account at the head. */
@Command(name = "account", description = "Show an account's balance, nonce and stake at the head.")
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
      o.addProperty("balance", r.getBalance());
      o.addProperty("nonce", r.getNonce());
      o.addProperty("nextNonce", r.getNextNonce());
      o.addProperty("stake", r.getStake());
      o.addProperty("unbonding", r.getUnbonding());
      o.addProperty("delegated", r.getDelegated());
      ctx.out().println(o);
    } else {
      ctx.out().println("address     " + a.toHex());
      ctx.out().println("balance     " + r.getBalance());
      ctx.out().println("nonce       " + r.getNonce() + " (next " + r.getNextNonce() + ")");
      ctx.out()
          .println(
              "stake       "
                  + r.getStake()
                  + " (unbonding "
                  + r.getUnbonding()
                  + ", delegated "
                  + r.getDelegated()
                  + ")");
    }
    return 0;
  }
}
