package io.pgha.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.core.EtcdLayout;
import io.pgha.core.EtcdRoles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EtcdRolesScriptGeneratorTest {
    private static final String REGENERATE = "pgha.deploy.regenerate";

    /** The deployment the base renders: its cluster, the pg and router StatefulSets' pod names. */
    static EtcdRoles.Deployment deployment() {
        Rendered base = Rendered.overlay("base");
        String cluster = base.ofKind("ConfigMap").stream()
                .filter(o -> Rendered.name(o).startsWith("pgha-settings"))
                .findFirst()
                .orElseThrow()
                .path("data")
                .path("cluster")
                .asText();
        return new EtcdRoles.Deployment(
                EtcdLayout.DEFAULT_NAMESPACE,
                Map.of(cluster, pods(base.find("StatefulSet", "pg").orElseThrow())),
                pods(base.find("StatefulSet", "router").orElseThrow()));
    }

    private static List<String> pods(JsonNode statefulSet) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < statefulSet.path("spec").path("replicas").asInt(1); i++) {
            names.add(Rendered.name(statefulSet) + "-" + i);
        }
        return names;
    }

    @Test
    void committedScriptIsWhatEtcdRolesGivesForTheBase() throws Exception {
        Path root = Repo.root();
        String expected = EtcdRolesScriptGenerator.render(deployment());
        if (Boolean.getBoolean(REGENERATE)) {
            EtcdRolesScriptGenerator.write(root, deployment());
        }
        assertThat(Files.readString(root.resolve(EtcdRolesScriptGenerator.SCRIPT)))
                .as(EtcdRolesScriptGenerator.SCRIPT + " differs from what core/EtcdRoles gives for deploy/k8s/base;"
                        + " regenerate it: ./mvnw -o -pl deploy-checks -am test -Dtest=EtcdRolesScriptGeneratorTest"
                        + " -Dsurefire.failIfNoSpecifiedTests=false -D" + REGENERATE + "=true")
                .isEqualTo(expected);
    }

    @Test
    void theScriptGrantsEveryRoleToItsUserAndEnablesAuthLast() {
        String script = EtcdRolesScriptGenerator.render(
                new EtcdRoles.Deployment("/pgha", Map.of("main", List.of("pg-0")), List.of("router-0")));
        assertThat(script)
                .contains(
                        "create role add pgha-agent.main.pg-0\n",
                        "etcdctl role grant-permission --prefix=true pgha-agent.main.pg-0 read /pgha/main/\n",
                        "create user add pgha-agent.main.pg-0 --no-password\n",
                        "etcdctl user grant-role pgha-agent.main.pg-0 pgha-agent.main.pg-0\n",
                        "etcdctl role grant-permission pgha-renderer readwrite /pgha/main/routers/router-0\n",
                        "create user add root --no-password\n")
                .endsWith("etcdctl auth enable\n");
        assertThat(EtcdRolesScriptGenerator.quote("a b'c")).isEqualTo("'a b'\\''c'");
    }

    @Test
    void everyEtcdClientOfTheBaseUsesTheDefaultNamespace() {
        // the script is made for /pgha: a container that moved its pgha.etcd.namespace would get no grant
        for (JsonNode w : Rendered.overlay("base").workloads()) {
            for (JsonNode c : Rendered.containers(w)) {
                c.path("env").forEach(e -> assertThat(e.path("name").asText())
                        .as(Rendered.id(w) + " sets an etcd namespace")
                        .isNotEqualTo("PGHA_ETCD_NAMESPACE"));
            }
        }
    }
}
