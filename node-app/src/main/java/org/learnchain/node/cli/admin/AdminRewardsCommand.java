package org.learnchain.node.cli.admin;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.protobuf.ByteString;
import org.learnchain.crypto.Address;
import org.learnchain.node.cli.client.ApiClient;
import org.learnchain.node.cli.client.ClientCommand;
import org.learnchain.node.cli.client.Json;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.proto.api.Payment;
import org.learnchain.proto.api.PaymentsReply;
import org.learnchain.proto.api.PaymentsRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code learnchain admin rewards ADDRESS}: every payment the chain recorded for an account (one
 * line per payment: height, kind, amount), read from the node's chain database, so a miner can see
 * whether its round counted.
 */
@Command(
    name = "rewards",
    description = {
      "List every payment to an account recorded by the chain, oldest first: height, kind",
      "(bounty, subsidy, validator-share, delegator-share, wasted-split, refund, fee, slash,",
      "unbonded) and amount; a slash shows as a negative amount. Ends with the totals."
    })
public final class AdminRewardsCommand extends ClientCommand {
  private static final int PAGE = 10_000;

  @Parameters(paramLabel = "ADDRESS", description = "40 hex characters")
  private String address;

  @Option(names = "--from", paramLabel = "H", description = "first height (default 0)")
  private long from;

  public AdminRewardsCommand(CliContext ctx) {
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
    if (from < 0) {
      return usage("--from must not be negative");
    }
    JsonArray rows = new JsonArray();
    long credited = 0;
    long debited = 0;
    long next = from;
    PaymentsReply r;
    var out = ctx.out();
    do {
      r =
          client
              .node()
              .getPayments(
                  PaymentsRequest.newBuilder()
                      .setAddress(ByteString.copyFrom(a.toArray()))
                      .setFromHeight(next)
                      .setLimit(PAGE)
                      .build());
      if (next == from && !options.json() && r.getRecordedFrom() > from) {
        out.println("# payments are recorded from height " + r.getRecordedFrom() + " on");
      }
      long lastHeight = -1;
      int inLast = 0;
      for (Payment p : r.getPaymentsList()) {
        if (p.getHeight() != lastHeight) {
          lastHeight = p.getHeight();
          inLast = 0;
        }
        inLast++;
      }
      int count = r.getPaymentsCount();
      // A full page may end inside a block: drop that block's rows and ask again from its height.
      int keep = count == PAGE && inLast < count ? count - inLast : count;
      for (int i = 0; i < keep; i++) {
        Payment p = r.getPayments(i);
        long signed = p.getDebit() ? -p.getAmount() : p.getAmount();
        if (p.getDebit()) {
          debited += p.getAmount();
        } else {
          credited += p.getAmount();
        }
        if (options.json()) {
          JsonObject o = new JsonObject();
          o.addProperty("height", p.getHeight());
          o.addProperty("block", Json.hex(p.getBlockHash()));
          o.addProperty("kind", p.getKind());
          o.addProperty("amount", signed);
          rows.add(o);
        } else {
          out.printf("%10d  %-16s %15d%n", p.getHeight(), p.getKind(), signed);
        }
      }
      next = keep < count ? lastHeight : lastHeight + 1;
      if (count < PAGE) {
        break;
      }
    } while (true);
    if (options.json()) {
      JsonObject o = Json.object();
      o.addProperty("address", a.toHex());
      o.addProperty("from", from);
      o.addProperty("recordedFrom", r.getRecordedFrom());
      o.addProperty("headHeight", r.getHeadHeight());
      o.add("payments", rows);
      o.addProperty("credited", credited);
      o.addProperty("slashed", debited);
      out.println(o);
    } else {
      out.println(
          "total: "
              + credited
              + " credited, "
              + debited
              + " slashed (head "
              + r.getHeadHeight()
              + ")");
    }
    return 0;
  }
}
