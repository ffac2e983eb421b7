package org.learnchain.node.cli.tx;

import com.google.gson.JsonObject;
import org.learnchain.crypto.Address;
import org.learnchain.ledger.Transaction;
import org.learnchain.ledger.Transfer;
import org.learnchain.node.cli.common.CliContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code learnchain tx transfer}: signs a transfer with a keystore (chain id and next nonce from
 * the node) and submits it; the signature is the authorisation, so no token is needed.
 */
@Command(
    name = "transfer",
    description = {
      "Sign a transfer with the key in --key (password from --password-file or",
      "LEARNCHAIN_PASSWORD) and send it to the node. Prints the transaction hash."
    })
public final class TxTransferCommand extends SigningCommand {
  @Option(
      names = "--to",
      required = true,
      paramLabel = "ADDRESS",
      description = "recipient, 40 hex")
  private String to;

  @Option(names = "--amount", required = true, paramLabel = "N", description = "units to send")
  private long amount;

  private Address recipient;

  public TxTransferCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  Transaction payload() {
    try {
      recipient = parseAddress(to);
    } catch (IllegalArgumentException e) {
      return badUsage("--to: " + e.getMessage());
    }
    if (amount <= 0) {
      return badUsage("--amount must be positive and --fee not negative");
    }
    return new Transfer(recipient, amount);
  }

  @Override
  void describe(JsonObject o) {
    o.addProperty("to", recipient.toHex());
    o.addProperty("amount", amount);
  }
}
