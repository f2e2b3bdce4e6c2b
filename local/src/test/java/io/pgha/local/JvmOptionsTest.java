package io.pgha.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JvmOptionsTest {
    @Test
    void theModuleOfAServiceJarIsTheFolderAboveTarget() {
        assertThat(JvmOptions.moduleOf(Path.of("/src/pgha/node-agent/target/quarkus-app/quarkus-run.jar")))
                .isEqualTo("node-agent");
        assertThat(JvmOptions.moduleOf(Path.of("/quarkus-app/quarkus-run.jar"))).isEqualTo("quarkus-run.jar");
        assertThat(JvmOptions.moduleOf(Path.of("/opt/service.jar"))).isEqualTo("service.jar");
    }

    @Test
    void everyServiceGetsTheSerialCollectorASmallInitialHeapAndItsOwnMaximum() {
        List<String> agent = JvmOptions.forModule("node-agent");

        assertThat(agent).startsWith("-Xms16m", "-Xmx96m").contains("-XX:+UseSerialGC", "-XX:MaxHeapFreeRatio=30");
        assertThat(agent.stream().filter(o -> o.startsWith("-Xmx"))).hasSize(1);
        assertThat(JvmOptions.forModule("backup-service")).contains("-Xmx160m");
        assertThat(JvmOptions.forModule("some-test-service")).contains("-Xmx192m");
    }

    @Test
    void everyMaximumStaysBelowTheTargetOfIssue17AndNamesARealModule() {
        Path root = QuarkusService.projectRoot();
        JvmOptions.MAX_HEAP_MIB.forEach((module, mib) -> {
            assertThat(root.resolve(module).resolve("pom.xml"))
                    .as("module %s", module)
                    .satisfies(p -> assertThat(Files.isRegularFile(p)).isTrue());
            assertThat(mib).as("heap of %s", module).isBetween(64, 192);
        });
        assertThat(JvmOptions.MAX_HEAP_MIB)
                .containsOnlyKeys(
                        "node-agent",
                        "failover-coordinator",
                        "health-monitor",
                        "config-renderer",
                        "backup-service",
                        "alert-service");
    }

    @Test
    void everyServiceRunsC1Only() {
        JvmOptions.MAX_HEAP_MIB
                .keySet()
                .forEach(m -> assertThat(JvmOptions.forModule(m)).as(m).contains("-XX:TieredStopAtLevel=1"));
    }

    @Test
    void extraOptionsComeLastForEveryServiceThenTheModuleThenTheServiceSoThatTheyWin() {
        Map<String, String> env = Map.of(
                "PGHA_SERVICE_JVM_OPTIONS", "  -Xmx128m   -XX:NativeMemoryTracking=summary ",
                "PGHA_NODE_AGENT_JVM_OPTIONS", "-Xmx112m",
                "PGHA_AGENT_PG_1_JVM_OPTIONS", "-XX:TieredStopAtLevel=1",
                "PGHA_HEALTH_MONITOR_JVM_OPTIONS", "-Xmx80m");

        assertThat(JvmOptions.forService("node-agent", "agent-pg-1", env))
                .endsWith("-Xmx128m", "-XX:NativeMemoryTracking=summary", "-Xmx112m", "-XX:TieredStopAtLevel=1")
                .doesNotContain("-Xmx80m");
        assertThat(JvmOptions.forService("node-agent", "agent-pg-2", env)).endsWith("-Xmx112m");
        assertThat(JvmOptions.forService("health-monitor", "health-monitor", env))
                .endsWith("-XX:NativeMemoryTracking=summary", "-Xmx80m")
                .containsOnlyOnce("-Xmx80m");
        assertThat(JvmOptions.variable("config-renderer")).isEqualTo("PGHA_CONFIG_RENDERER_JVM_OPTIONS");
        assertThat(JvmOptions.forService("node-agent", "a", Map.of("PGHA_SERVICE_JVM_OPTIONS", "  ")))
                .isEqualTo(JvmOptions.forModule("node-agent"));
        assertThat(JvmOptions.forService("node-agent", "a", Map.of())).isEqualTo(JvmOptions.forModule("node-agent"));
    }

    @Test
    void mallocKeepsTwoArenas() {
        assertThat(JvmOptions.environment()).containsEntry("MALLOC_ARENA_MAX", "2");
    }
}
