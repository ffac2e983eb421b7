package org.learnchain.node.cli.tx;

import com.google.gson.JsonObject;
import com.google.protobuf.ByteString;
import java.nio.file.Path;
import org.learnchain.crypto.Address;
import org.learnchain.crypto.PrivateKey;
import org.learnchain.ledger.SignedTransaction;
import org.learnchain.ledger.Transaction;
import org.learnchain.node.cli.client.ApiClient;
import org.learnchain.node.cli.client.ClientCommand;
import org.learnchain.node.cli.client.Json;
import org.learnchain.node.cli.common.CliContext;
import org.learnchain.node.cli.common.CliResult;
import org.learnchain.node.cli.common.Passwords;
import org.learnchain.proto.api.AccountReply;
import org.learnchain.proto.api.AccountRequest;
import org.learnchain.proto.api.StatusReply;
import org.learnchain.proto.api.StatusRequest;
import org.learnchain.proto.api.SubmitTransactionReply;
import org.learnchain.proto.api.SubmitTransactionRequest;
import picocli.CommandLine.Option;

/**
 * What every {@code learnchain tx} verb shares: unlock the keystore, take the chain id, the minimum
 * fee and the next nonce from the node, sign (domain-separated by chain id and transaction type,
 * see docs/protocol.md) and submit. The node's pool runs the ledger's full check, so a refusal
 * comes back as one line naming the ledger's reason (INSUFFICIENT_BALANCE, TOO_MANY_ENTRIES,
 * NOT_A_MINER, FEE_TOO_LOW, ...). No API token is needed: the signature authorises the spend.
 */
abstract class SigningCommand extends ClientCommand {
  @Option(names = "--key", required = true, paramLabel = "FILE", description = "sender's keystore")
  private Path keyFile;

  @Option(names = "--fee", paramLabel = "N", description = "fee (default: the chain's minimum)")
  private Long fee;

  @Option(names = "--password-file", paramLabel = "FILE", description = "keystore password file")
  private Path passwordFile;

  SigningCommand(CliContext ctx) {
    super(ctx);
  }

  /** The payload, or null after printing a usage error (see {@link #badUsage}). */
  abstract Transaction payload();

  /** Adds the payload's fields to the JSON answer. */
  abstract void describe(JsonObject o);

  private String usageError;

  /** Records a usage error from {@link #payload()}; returns null for it to return. */
  final Transaction badUsage(String message) {
    usageError = message;
    return null;
  }

  static Address parseAddress(String hex) {
    return Address.fromHex(hex.startsWith("0x") ? hex.substring(2) : hex);
  }

  @Override
  protected final int run(ApiClient client) {
    if (fee != null && fee < 0) {
      return usage("--fee must not be negative");
    }
    Transaction payload = payload();
    if (payload == null) {
      return usage(usageError);
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
          SignedTransaction.sign(k, status.getChainId(), account.getNextNonce(), f, payload);
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
        describe(o);
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
