package org.learnchain.node.cli.tx;

import com.google.gson.JsonObject;
import org.learnchain.ledger.Transaction;
import org.learnchain.ledger.Unstake;
import org.learnchain.node.cli.common.CliContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code learnchain tx unstake}: a signed Unstake transaction. */
@Command(
    name = "unstake",
    description = {
      "Start unbonding --amount units of stake: they stop counting at once and return to",
      "the balance after the chain's unbonding delay (see admin account). Prints the hash."
    })
public final class TxUnstakeCommand extends SigningCommand {
  @Option(names = "--amount", required = true, paramLabel = "N", description = "units")
  private long amount;

  public TxUnstakeCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  Transaction payload() {
    if (amount <= 0) {
      return badUsage("--amount must be positive");
    }
    return new Unstake(amount);
  }

  @Override
  void describe(JsonObject o) {
    o.addProperty("kind", "unstake");
    o.addProperty("amount", amount);
  }
}
