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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    /** etcd's root certificate: only the Job mounts it. */
    static final String ROOT_SECRET = "pgha-etcd-client-root";

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theJobRunsTheGeneratedScriptAsRootAgainstTheEtcdOfTheSettings(String overlay) throws Exception {
        Rendered r = Rendered.overlay(overlay);
        JsonNode job = r.find("Job", "etcd-roles")
                .orElseThrow(() -> new AssertionError("overlay " + overlay + " has no Job etcd-roles"));
        JsonNode c = Rendered.podSpec(job).path("containers").get(0);
        List<String> problems = new ArrayList<>();
        // the script it runs is the mounted ConfigMap's, and that is what EtcdRoles gives for the base
        List<String> command = new ArrayList<>();
        c.path("command").forEach(a -> command.add(a.asText()));
        String file = command.get(command.size() - 1);
        assertThat(command).as("the Job runs the script with a shell").startsWith("/bin/sh");
        JsonNode mount = DeployConsistencyTest.stream(c.path("volumeMounts"))
                .filter(m -> file.startsWith(m.path("mountPath").asText() + "/"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the Job's script " + file + " is under no mount"));
        String configMap = DeployConsistencyTest.volume(job, mount.path("name").asText())
                .orElseThrow()
                .path("configMap")
                .path("name")
                .asText();
        String key = file.substring(file.lastIndexOf('/') + 1);
        assertThat(r.find("ConfigMap", configMap)
                        .orElseThrow(() -> new AssertionError("no ConfigMap " + configMap))
                        .path("data")
                        .path(key)
                        .asText())
                .as("ConfigMap " + configMap + " key " + key + " is the script EtcdRoles gives for the base")
                .isEqualTo(EtcdRolesScriptGenerator.render(deployment()));
        // etcdctl's settings: the endpoints every pgha service uses, root's certificate
        Map<String, JsonNode> env = new java.util.LinkedHashMap<>();
        c.path("env").forEach(e -> env.put(e.path("name").asText(), e));
        assertThat(env.get("ETCDCTL_API").path("value").asText()).isEqualTo("3");
        JsonNode endpoints = env.get("ETCDCTL_ENDPOINTS").path("valueFrom").path("configMapKeyRef");
        assertThat(endpoints.path("name").asText()).startsWith("pgha-settings");
        assertThat(endpoints.path("key").asText()).isEqualTo("etcd-endpoints");
        for (String name : List.of("ETCDCTL_CACERT", "ETCDCTL_CERT", "ETCDCTL_KEY")) {
            String path = env.get(name).path("value").asText();
            DeployConsistencyTest.secretOf(job, c, path, ROOT_SECRET, "Job etcd-roles " + name, problems);
            DeployConsistencyTest.mountedFile(
                    r, job, c, path, name.equals("ETCDCTL_KEY"), "Job etcd-roles " + name, problems);
        }
        // nothing else holds root's certificate
        for (JsonNode w : r.workloads()) {
            Rendered.podSpec(w).path("volumes").forEach(v -> {
                if (!w.equals(job) && v.toString().contains("\"" + ROOT_SECRET + "\"")) {
                    problems.add(Rendered.id(w) + " mounts " + ROOT_SECRET + ": only the Job etcd-roles may");
                }
            });
        }
        assertThat(job.path("spec")
                        .path("template")
                        .path("spec")
                        .path("restartPolicy")
                        .asText())
                .isIn("Never", "OnFailure");
        assertThat(job.path("spec").path("backoffLimit").asInt(0))
                .as("retries while etcd starts")
                .isPositive();
        // etcdctl comes from the etcd image the StatefulSet runs (one release for client and server)
        String etcdImage = Rendered.podSpec(r.find("StatefulSet", "etcd").orElseThrow())
                .path("containers")
                .get(0)
                .path("image")
                .asText();
        String dockerfile = Files.readString(Modules.toolDockerfile(
                        c.path("image").asText())
                .orElseThrow(() -> new AssertionError("the Job's image " + c.path("image") + " is no tool image")));
        assertThat(dockerfile)
                .as("deploy/images/etcd-roles/Dockerfile copies etcdctl from the etcd StatefulSet's image")
                .contains("FROM " + etcdImage + " AS etcd")
                .contains("COPY --from=etcd /usr/local/bin/etcdctl ");
        // the script is generated for the base's pods: an overlay with other pg or router pods would leave
        // some without a role
        EtcdRoles.Deployment base = deployment();
        assertThat(pods(r.find("StatefulSet", "pg").orElseThrow()))
                .as("overlay " + overlay + "'s pg pods (the roles script has roles for the base's)")
                .containsExactlyElementsOf(base.members().values().iterator().next());
        assertThat(pods(r.find("StatefulSet", "router").orElseThrow()))
                .as("overlay " + overlay + "'s router pods (the roles script grants the base's)")
                .containsExactlyElementsOf(base.routers());
        assertThat(problems).as("overlay " + overlay).isEmpty();
    }

    @Test
    void theScriptWaitsForEtcdBeforeItWrites() {
        String script = EtcdRolesScriptGenerator.render(
                new EtcdRoles.Deployment("/pgha", Map.of("main", List.of("pg-0")), List.of("router-0")));
        assertThat(script.indexOf("until etcdctl get --limit=1 /pgha/ >/dev/null 2>&1; do"))
                .isPositive()
                .isLessThan(script.indexOf("create role add"));
        assertThat(script).contains("-ge " + EtcdRolesScriptGenerator.WAIT_TRIES + " ]");
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
