package org.learnchain.node.cli.testnet;

import picocli.CommandLine.Command;

/** {@code learnchain testnet}: groups the verbs that prepare a multi-process network. */
@Command(
    name = "testnet",
    description = "Prepare a multi-process network on this machine.",
    synopsisSubcommandLabel = "COMMAND")
public final class TestnetCommand {}
