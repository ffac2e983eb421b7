package org.learnchain.node.cli.bench;

import picocli.CommandLine.Command;

/** {@code learnchain bench}: groups the benchmarks. Each prints its figures; none is a test. */
@Command(
    name = "bench",
    description = "Measure throughput and latency; figures on stdout (--json: one object).",
    synopsisSubcommandLabel = "COMMAND")
public final class BenchCommand {}
