package org.learnchain.node.cli.tx;

import com.google.gson.JsonObject;
import org.learnchain.crypto.Address;
import org.learnchain.ledger.Transaction;
import org.learnchain.ledger.Undelegate;
import org.learnchain.node.cli.common.CliContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code learnchain tx undelegate}: a signed Undelegate transaction. */
@Command(
    name = "undelegate",
    description = {
      "Withdraw --amount units delegated to --miner: they return to the balance after the",
      "chain's unbonding delay (see admin account). Prints the transaction hash."
    })
public final class TxUndelegateCommand extends SigningCommand {
  @Option(names = "--miner", required = true, paramLabel = "ADDRESS", description = "miner, 40 hex")
  private String miner;

  @Option(names = "--amount", required = true, paramLabel = "N", description = "units")
  private long amount;

  private Address minerAddress;

  public TxUndelegateCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  Transaction payload() {
    try {
      minerAddress = parseAddress(miner);
    } catch (IllegalArgumentException e) {
      return badUsage("--miner: " + e.getMessage());
    }
    if (amount <= 0) {
      return badUsage("--amount must be positive");
    }
    return new Undelegate(minerAddress, amount);
  }

  @Override
  void describe(JsonObject o) {
    o.addProperty("kind", "undelegate");
    o.addProperty("miner", minerAddress.toHex());
    o.addProperty("amount", amount);
  }
}
