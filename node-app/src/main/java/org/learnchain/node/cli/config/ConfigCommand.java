package org.learnchain.node.cli.config;

import picocli.CommandLine.Command;

/** {@code learnchain config}: groups the configuration verbs. */
@Command(
    name = "config",
    description = "Work with node configuration and genesis files.",
    synopsisSubcommandLabel = "COMMAND")
public final class ConfigCommand {}
