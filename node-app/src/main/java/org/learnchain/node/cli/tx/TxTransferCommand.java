package org.learnchain.node.cli.tx;

import com.google.gson.JsonObject;
import com.google.protobuf.ByteString;
import java.nio.file.Path;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.Transfer;
import org.learnchain.node.cli.CliContext;
import org.learnchain.node.cli.CliResult;
import org.learnchain.node.cli.Passwords;
import org.learnchain.node.cli.client.ApiClient;
import org.learnchain.node.cli.client.ClientCommand;
import org.learnchain.node.cli.client.Json;
import org.learnchain.proto.api.AccountReply;
import org.learnchain.proto.api.AccountRequest;
import org.learnchain.proto.api.StatusReply;
import org.learnchain.proto.api.StatusRequest;
import org.learnchain.proto.api.SubmitTransactionReply;
import org.learnchain.proto.api.SubmitTransactionRequest;
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
public final class TxTransferCommand extends ClientCommand {
  @Option(names = "--key", required = true, paramLabel = "FILE", description = "sender's keystore")
  private Path keyFile;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "ADDRESS",
      description = "recipient, 40 hex")
  private String to;

  @Option(names = "--amount", required = true, paramLabel = "N", description = "units to send")
  private long amount;

  @Option(names = "--fee", paramLabel = "N", description = "fee (default: the chain's minimum)")
  private Long fee;

  @Option(names = "--password-file", paramLabel = "FILE", description = "keystore password file")
  private Path passwordFile;

  public TxTransferCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  protected int run(ApiClient client) {
    Address recipient;
    try {
      recipient = Address.fromHex(to.startsWith("0x") ? to.substring(2) : to);
    } catch (IllegalArgumentException e) {
      return usage("--to: " + e.getMessage());
    }
    if (amount <= 0 || (fee != null && fee < 0)) {
      return usage("--amount must be positive and --fee not negative");
    }
    CliResult<PrivateKey> key = Passwords.unlock(keyFile, passwordFile, ctx.env());
    if (!key.isOk()) {
      return fail(key.error());
    }
    PrivateKey k = key.value();
    try {
      StatusReply status = client.node().getStatus(StatusRequest.getDefaultInstance());
      Address from = k.publicKey().address();
      AccountReply account =
          client
              .node()
              .getAccount(
                  AccountRequest.newBuilder()
                      .setAddress(ByteString.copyFrom(from.toArray()))
                      .build());
      long f = fee != null ? fee : status.getMinTxFee();
      SignedTransaction tx =
          SignedTransaction.sign(
              k, status.getChainId(), account.getNextNonce(), f, new Transfer(recipient, amount));
      SubmitTransactionReply r =
          client
              .node()
              .submitTransaction(
                  SubmitTransactionRequest.newBuilder()
                      .setTransaction(ByteString.copyFrom(tx.encode()))
                      .build());
      if (options.json()) {
        JsonObject o = Json.object();
        o.addProperty("txHash", Json.hex(r.getTxHash()));
        o.addProperty("from", from.toHex());
        o.addProperty("to", recipient.toHex());
        o.addProperty("amount", amount);
        o.addProperty("fee", f);
        o.addProperty("nonce", tx.nonce());
        ctx.out().println(o);
      } else {
        ctx.out().println(Json.hex(r.getTxHash()));
      }
      return 0;
    } finally {
      k.destroy();
    }
  }
}
