package org.learnchain.node.cli.admin;

import picocli.CommandLine.Command;

/** {@code learnchain admin}: inspect a running node over its API. */
@Command(
    name = "admin",
    description = "Inspect a node over its gRPC API: status, peers, round, blocks, accounts.",
    synopsisSubcommandLabel = "COMMAND")
public final class AdminCommand {}
