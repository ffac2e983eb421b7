package org.learnchain.node.cli.tx;

import com.google.gson.JsonObject;
import org.learnchain.crypto.Address;
import org.learnchain.ledger.Delegate;
import org.learnchain.ledger.Transaction;
import org.learnchain.node.cli.common.CliContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code learnchain tx delegate}: a signed Delegate transaction. */
@Command(
    name = "delegate",
    description = {
      "Delegate --amount units to the miner --miner: they leave the balance, and the miner's",
      "delegators share the delegator part of every bounty it wins, pro rata. Prints the hash."
    })
public final class TxDelegateCommand extends SigningCommand {
  @Option(names = "--miner", required = true, paramLabel = "ADDRESS", description = "miner, 40 hex")
  private String miner;

  @Option(names = "--amount", required = true, paramLabel = "N", description = "units")
  private long amount;

  private Address minerAddress;

  public TxDelegateCommand(CliContext ctx) {
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
    return new Delegate(minerAddress, amount);
  }

  @Override
  void describe(JsonObject o) {
    o.addProperty("kind", "delegate");
    o.addProperty("miner", minerAddress.toHex());
    o.addProperty("amount", amount);
  }
}
