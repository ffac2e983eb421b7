package org.learnchain.node.cli.tx;

import com.google.gson.JsonObject;
import org.learnchain.ledger.Stake;
import org.learnchain.ledger.Transaction;
import org.learnchain.node.cli.common.CliContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code learnchain tx stake}: a signed Stake transaction. */
@Command(
    name = "stake",
    description = {
      "Lock --amount units of the sender's balance as stake (what validators and miners",
      "stake to take part). Prints the transaction hash."
    })
public final class TxStakeCommand extends SigningCommand {
  @Option(names = "--amount", required = true, paramLabel = "N", description = "units")
  private long amount;

  public TxStakeCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  Transaction payload() {
    if (amount <= 0) {
      return badUsage("--amount must be positive");
    }
    return new Stake(amount);
  }

  @Override
  void describe(JsonObject o) {
    o.addProperty("kind", "stake");
    o.addProperty("amount", amount);
  }
}
