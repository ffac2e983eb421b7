package org.learnchain.node.cli.tx;

import picocli.CommandLine.Command;

/** {@code learnchain tx}: sign and send transactions. */
@Command(
    name = "tx",
    description = "Sign transactions with a keystore and send them to a node.",
    synopsisSubcommandLabel = "COMMAND")
public final class TxCommand {}
