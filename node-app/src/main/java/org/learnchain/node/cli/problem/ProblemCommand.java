package org.learnchain.node.cli.problem;

import picocli.CommandLine.Command;

/** {@code learnchain problem}: submit a funded problem and follow it to its model. */
@Command(
    name = "problem",
    description = "Submit a funded training problem to your node, follow it, fetch the model.",
    synopsisSubcommandLabel = "COMMAND")
public final class ProblemCommand {}
