package org.learnchain.node.cli.keys;

import picocli.CommandLine.Command;

/** {@code learnchain keys}: groups the key management verbs. */
@Command(
    name = "keys",
    description = "Create and manage node keys.",
    synopsisSubcommandLabel = "COMMAND")
public final class KeysCommand {}
