package io.pgha.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.core.EtcdRoles;
import io.pgha.local.Certificates;
import io.pgha.local.Commands;
import io.pgha.local.EtcdCluster;
import io.pgha.local.LocalInfra;
import io.pgha.local.Ports;
import io.pgha.local.QuarkusService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 22: the script the Kubernetes Job {@code etcd-roles} runs ({@code
 * deploy/k8s/base/etcd-rbac/apply-roles.sh}, generated from {@code core/EtcdRoles}) run as the Job runs it
 * ({@code sh <script>} with etcdctl's {@code ETCDCTL_*} environment and etcd's {@code root} certificate)
 * against a real etcd with TLS and client-certificate auth, twice: both runs succeed, the second keeps every
 * role and user, and afterwards authentication is on and each principal reaches only its keys. Outside a
 * container and with this machine's etcd and etcdctl (3.4; the Job's image copies etcdctl 3.5 from the etcd
 * image it deploys).
 */
class EtcdRolesScriptIT {
    @RegisterExtension
    static final LocalInfra infra = LocalInfra.perClass();

    private static final Duration RUN = Duration.ofMinutes(3);

    @Test
    void theJobsScriptAppliesTheRolesIdempotentlyAndEachPrincipalReachesOnlyItsKeys() throws Exception {
        Certificates ca = Certificates.authorityIn(infra.workspace().dir("tls"));
        EtcdCluster etcd = infra.etcdTls(1, ca);
        Path script = QuarkusService.projectRoot().resolve("deploy/k8s/base/etcd-rbac/apply-roles.sh");
        assertThat(script).isRegularFile();
        Certificates.Issued root = ca.issue("root", List.of(Ports.LOOPBACK));

        Commands.Result first = Commands.run(List.of("sh", script.toString()), etcdctlEnv(etcd, root), RUN);
        assertThat(first.ok()).as("first run: " + first.output()).isTrue();
        assertThat(first.output()).contains("Authentication Enabled").doesNotContain("kept:");
        Commands.Result second = Commands.run(List.of("sh", script.toString()), etcdctlEnv(etcd, root), RUN);
        assertThat(second.ok()).as("second run: " + second.output()).isTrue();
        assertThat(second.output())
                .contains("kept: role add " + EtcdRoles.agent("main", "pg-0"))
                .contains("kept: user add " + EtcdRoles.COORDINATOR + " --no-password");

        // authentication is on: a certificate of the same CA whose name has no role reaches nothing
        assertThat(put(etcd, ca.issue("stranger", List.of(Ports.LOOPBACK)), "/pgha/main/leader"))
                .contains("permission denied");
        Certificates.Issued agent = ca.issue(EtcdRoles.agent("main", "pg-0"), List.of(Ports.LOOPBACK));
        assertThat(put(etcd, agent, "/pgha/main/members/pg-0")).isEqualTo("OK");
        assertThat(put(etcd, agent, "/pgha/main/members/pg-1")).contains("permission denied");
        Certificates.Issued renderer = ca.issue(EtcdRoles.RENDERER, List.of(Ports.LOOPBACK));
        assertThat(put(etcd, renderer, "/pgha/main/routers/router-0")).isEqualTo("OK");
        assertThat(put(etcd, renderer, "/pgha/main/leader")).contains("permission denied");
        Certificates.Issued coordinator = ca.issue(EtcdRoles.COORDINATOR, List.of(Ports.LOOPBACK));
        assertThat(put(etcd, coordinator, "/pgha/main/leader")).isEqualTo("OK");
        assertThat(Files.readString(script)).contains("etcdctl auth enable");
    }

    /** What the Job sets: ETCDCTL_API, the endpoints, root's CA, certificate and key. */
    private static Map<String, String> etcdctlEnv(EtcdCluster etcd, Certificates.Issued principal) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ETCDCTL_API", "3");
        env.put("ETCDCTL_ENDPOINTS", String.join(",", etcd.endpoints()));
        env.put("ETCDCTL_CACERT", principal.ca().toString());
        env.put("ETCDCTL_CERT", principal.cert().toString());
        env.put("ETCDCTL_KEY", principal.key().toString());
        return env;
    }

    /** etcdctl put {@code key} as {@code principal}: its last output line ("OK" or the error). */
    private static String put(EtcdCluster etcd, Certificates.Issued principal, String key) {
        List<String> command = new ArrayList<>(
                List.of(Commands.require("etcdctl", "etcd-client").toString(), "put", key, "it-" + principal.name()));
        Commands.Result r = Commands.run(command, etcdctlEnv(etcd, principal), Duration.ofSeconds(30));
        List<String> lines = r.output().strip().lines().toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1).strip();
    }
}
