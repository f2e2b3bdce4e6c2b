package io.pgha.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrometheusRuleGeneratorTest {
    private static final String REGENERATE = "pgha.deploy.regenerate";

    @Test
    void committedPrometheusRuleIsWhatTheRuleFilesGive() throws Exception {
        Path root = Repo.root();
        String expected = PrometheusRuleGenerator.generate(root);
        Path committed = root.resolve(PrometheusRuleGenerator.OUTPUT);
        if (Boolean.getBoolean(REGENERATE)) {
            Files.writeString(committed, expected);
        }
        assertThat(Files.readString(committed))
                .as(PrometheusRuleGenerator.OUTPUT + " differs from " + PrometheusRuleGenerator.RULES
                        + "; regenerate it: ./mvnw -o -pl deploy-checks test -Dtest=PrometheusRuleGeneratorTest -D"
                        + REGENERATE + "=true")
                .isEqualTo(expected);
    }

    @Test
    void groupsOfEveryFileGoIntoOneResource() {
        String out = PrometheusRuleGenerator.render(List.of(
                "groups:\n  - name: a\n    rules:\n      - record: x\n        expr: up\n",
                "groups:\n  - name: b\n    rules:\n      - alert: Y\n        expr: |\n          up == 0\n"));
        List<com.fasterxml.jackson.databind.JsonNode> docs = Rendered.parse(out);
        assertThat(docs).singleElement().satisfies(d -> {
            assertThat(d.path("kind").asText()).isEqualTo("PrometheusRule");
            assertThat(d.path("spec").path("groups").findValuesAsText("name")).containsExactly("a", "b");
            assertThat(d.path("spec")
                            .path("groups")
                            .get(1)
                            .path("rules")
                            .get(0)
                            .path("expr")
                            .asText())
                    .isEqualTo("up == 0\n");
        });
        assertThatThrownBy(() -> PrometheusRuleGenerator.render(List.of("rules: []\n")))
                .hasMessageContaining("without groups");
    }
}
