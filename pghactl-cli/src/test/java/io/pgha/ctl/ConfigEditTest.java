package io.pgha.ctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigEditTest {
    private static ObjectNode config(String json) {
        return (ObjectNode) Json.read(json, "test");
    }

    @Test
    void settingsAreYamlTypedAndDottedKeysNest() {
        ObjectNode before = config("{\"ttl\":10,\"postgresql\":{\"use_pg_rewind\":true}}");
        ObjectNode after = ConfigEdit.apply(
                before,
                List.of(
                        ConfigEdit.setting("ttl=20"),
                        ConfigEdit.setting("synchronous_mode=true"),
                        ConfigEdit.setting("postgresql.use_pg_rewind=false"),
                        ConfigEdit.parameter("work_mem=8MB"),
                        ConfigEdit.parameter("max_connections=200")));
        assertThat(after.toString())
                .isEqualTo("{\"ttl\":20,\"postgresql\":{\"use_pg_rewind\":false,\"parameters\":"
                        + "{\"work_mem\":\"8MB\",\"max_connections\":200}},\"synchronous_mode\":true}");
        assertThat(before.path("ttl").asInt()).as("the input is not changed").isEqualTo(10);
    }

    @Test
    void nullOrNothingRemovesAKey() {
        ObjectNode after = ConfigEdit.apply(
                config("{\"ttl\":10,\"loop_wait\":5,\"postgresql\":{\"parameters\":{\"work_mem\":\"8MB\"}}}"),
                List.of(
                        ConfigEdit.setting("ttl=null"),
                        ConfigEdit.setting("loop_wait="),
                        ConfigEdit.parameter("work_mem=null"),
                        ConfigEdit.setting("absent.inner=null")));
        assertThat(after.toString()).isEqualTo("{\"postgresql\":{\"parameters\":{}}}");
    }

    @Test
    void malformedAssignmentsAreUsageErrors() {
        assertThatThrownBy(() -> ConfigEdit.setting("ttl"))
                .isInstanceOf(CtlException.class)
                .hasMessageContaining("-s needs key=value")
                .extracting(e -> ((CtlException) e).exitCode())
                .isEqualTo(ExitCode.USAGE);
        assertThatThrownBy(() -> ConfigEdit.setting("a..b=1")).hasMessageContaining("empty part");
        assertThatThrownBy(() -> ConfigEdit.parameter("=1")).hasMessageContaining("-p needs parameter=value");
        assertThatThrownBy(() -> ConfigEdit.setting("ttl=[1, 2")).hasMessageContaining("not valid YAML");
    }

    @Test
    void theMergePatchHoldsOnlyWhatChangedAndNullForWhatWentAway() {
        ObjectNode before = config("{\"ttl\":10,\"loop_wait\":5,\"postgresql\":{\"parameters\":{\"a\":1,\"b\":2}}}");
        ObjectNode after = config("{\"ttl\":20,\"postgresql\":{\"parameters\":{\"a\":1,\"c\":3}}}");
        ObjectNode patch = ConfigEdit.mergePatch(before, after);
        assertThat(patch.toString())
                .isEqualTo("{\"loop_wait\":null,\"ttl\":20,\"postgresql\":{\"parameters\":{\"b\":null,\"c\":3}}}");
        assertThat(ConfigEdit.merge(before, patch)).isEqualTo(after);
    }

    @Test
    void theDiffIsUnifiedWithContext() {
        String before = "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\ng: 7\nh: 8\ni: 9\nj: 10\n";
        String after = "a: 1\nb: 20\nc: 3\nd: 4\ne: 5\nf: 6\ng: 7\nh: 8\ni: 9\nj: 10\nk: 11\n";
        assertThat(ConfigEdit.diff(before, after, "", ""))
                .isEqualTo(
                        """
                        --- \n+++ \n@@ -1,5 +1,5 @@
                         a: 1
                        -b: 2
                        +b: 20
                         c: 3
                         d: 4
                         e: 5
                        @@ -8,3 +8,4 @@
                         h: 8
                         i: 9
                         j: 10
                        +k: 11
                        """);
        assertThat(ConfigEdit.diff(before, before, "", "")).isEmpty();
    }
}
