package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PgParametersTest {
    private static java.util.List<String> problems(String parameters) {
        return DynamicConfig.problemsIn("{\"postgresql\":{\"parameters\":" + parameters + "}}");
    }

    @Test
    void ordinaryParametersAreAcceptedAsText() {
        assertThat(problems("{\"work_mem\":\"16MB\",\"max_connections\":100,\"jit\":true,"
                        + "\"pg_stat_statements.max\":5000,\"search_path\":\"\\\"$user\\\", public\",\"x\":null}"))
                .isEmpty();
        Map<String, String> read = PgParameters.read(Json.read(
                "{\"jit\":true,\"fsync\":false,\"max_connections\":100,\"random_page_cost\":1.5,\"x\":null}",
                com.fasterxml.jackson.databind.JsonNode.class,
                "t"));
        assertThat(read)
                .containsExactly(
                        Map.entry("fsync", "off"),
                        Map.entry("jit", "on"),
                        Map.entry("max_connections", "100"),
                        Map.entry("random_page_cost", "1.5"));
    }

    @Test
    void aNameThatIsNotAParameterIsRefusedNamingIt() {
        for (String name : new String[] {"Work_mem", "1abc", "a-b", "a b", "a'b", "a\\nb", ""}) {
            assertThat(problems("{\"" + name + "\":\"1\"}"))
                    .as(name)
                    .singleElement()
                    .asString()
                    .startsWith("postgresql.parameters.")
                    .contains("is not a PostgreSQL parameter name");
        }
        assertThat(problems("{\"" + "a".repeat(64) + "\":\"1\"}")).hasSize(1);
        assertThat(problems("{\"" + "a".repeat(63) + "\":\"1\"}")).isEmpty();
    }

    @Test
    void aValueMustBeOneScalarWithoutControlCharacters() {
        assertThat(problems("{\"work_mem\":{\"a\":1}}"))
                .singleElement()
                .asString()
                .contains("postgresql.parameters.work_mem must be a string, a number or true/false");
        assertThat(problems("{\"work_mem\":[1]}")).hasSize(1);
        assertThat(problems("{\"work_mem\":\"1MB\\nport = 1\"}"))
                .singleElement()
                .asString()
                .contains("postgresql.parameters.work_mem contains a control character");
        assertThat(problems("{\"work_mem\":\"" + "x".repeat(4097) + "\"}"))
                .singleElement()
                .asString()
                .contains("longer than 4096");
        assertThat(problems("[1]")).singleElement().asString().contains("postgresql.parameters must be an object");
    }

    @Test
    void parametersPghaManagesAreRefusedNamingThemAndWhy() {
        for (String name : new String[] {
            "port",
            "listen_addresses",
            "hot_standby",
            "primary_conninfo",
            "primary_slot_name",
            "restore_command",
            "archive_command",
            "synchronous_standby_names",
            "data_directory",
            "hba_file",
            "recovery_target_time"
        }) {
            assertThat(problems("{\"" + name + "\":\"x\"}"))
                    .as(name)
                    .singleElement()
                    .asString()
                    .startsWith("postgresql.parameters." + name + " is managed by pgha")
                    .contains(PgParameters.MANAGED.get(name));
        }
    }

    @Test
    void aConfigWithABadParameterWrittenByHandIsInvalidForReaders() {
        DynamicConfig d = DynamicConfig.fromJson("{\"postgresql\":{\"parameters\":{\"port\":5433}}}");
        assertThat(d.problems()).singleElement().asString().contains("postgresql.parameters.port");
    }

    @Test
    void walLevelMayOnlyBeRaised() {
        assertThat(problems("{\"wal_level\":\"logical\"}")).isEmpty();
        assertThat(problems("{\"wal_level\":\"minimal\"}"))
                .singleElement()
                .asString()
                .contains("postgresql.parameters.wal_level must be replica or logical");
    }
}
