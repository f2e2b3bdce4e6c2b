package io.pgha.ctl;

import picocli.CommandLine.Option;

/** {@code -f pretty|tsv|json|yaml} of the verbs that print a table. */
class OutputFormat {
    @Option(
            names = {"-f", "--format"},
            paramLabel = "FORMAT",
            defaultValue = "pretty",
            description = "pretty, tsv, json or yaml (default: ${DEFAULT-VALUE})")
    String value;

    Table.Format format() {
        return Table.Format.parse(value);
    }
}
