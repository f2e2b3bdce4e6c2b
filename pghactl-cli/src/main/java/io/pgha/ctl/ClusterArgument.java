package io.pgha.ctl;

import picocli.CommandLine.Parameters;

/** The optional CLUSTER argument of the verbs that act on one cluster (default: the only one). */
class ClusterArgument {
    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "CLUSTER",
            description = "The cluster (default: the only one)")
    String name;
}
