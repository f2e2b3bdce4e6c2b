package io.pgha.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DynamicConfigReaderTest {
    private static final String VALID = "{\"ttl\":20,\"postgresql\":{\"pg_hba\":[\"host all bob 10.0.0.0/8 reject\"]}}";
    private static final String INCLUDE =
            "{\"postgresql\":{\"pg_hba\":[\"host all all 10.0.0.0/8 trust\",\"include /etc/passwd\"]}}";

    private final DynamicConfigReader reader = new DynamicConfigReader();

    @Test
    void aValidConfigIsReadAndNothingIsRefused() {
        assertThat(reader.read(VALID))
                .hasValueSatisfying(c -> assertThat(c.ttl()).isEqualTo(20));
        assertThat(reader.refusal()).isEmpty();
    }

    @Test
    void aRefusedConfigIsKeptAsTheReasonUntilAValidOneIsRead() {
        assertThat(reader.read(INCLUDE)).isEmpty();
        assertThat(reader.refusal()).hasValueSatisfying(r -> assertThat(r)
                .startsWith("the dynamic config in etcd is refused")
                .contains("postgresql.pg_hba[1]")
                .contains("include names a file"));

        assertThat(reader.read(VALID)).isPresent();
        assertThat(reader.refusal()).isEmpty();
    }

    @Test
    void aRefusalIsTheAgentsLastErrorWhenNoStepFailed() {
        AgentContext ctx = new AgentContext(null, "pg-0", null, null, null, null, null, null);
        assertThat(ctx.lastError()).isEmpty();

        ctx.dynamicReader.read(INCLUDE);

        assertThat(ctx.lastError()).hasValueSatisfying(e -> {
            assertThat(e.action()).isEqualTo(DynamicConfigReader.ACTION);
            assertThat(e.permanent()).isTrue();
            assertThat(e.reason()).contains("include names a file");
        });
    }
}
