package io.pgha.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgha.core.EtcdLayout;
import io.pgha.core.Json;
import io.pgha.local.OsUser;
import io.pgha.local.Ports;
import io.pgha.local.QuarkusService;
import io.pgha.local.Wait;
import io.pgha.local.Workspace;
import io.pgha.local.cli.ServiceSettings.AgentSecrets;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./pgha restore}: a point-in-time restore of the local cluster's backups into a new
 * one-member cluster beside it. It asks backup-service for the restore (which checks the target and
 * picks the backup) and starts the new cluster's agent with {@code pgha.bootstrap.method=repository};
 * that agent restores the backup, replays the archive to the target and opens as the new cluster's
 * primary.
 */
final class LocalRestore {
    private static final Duration RESTORE_TIMEOUT = Duration.ofMinutes(10);

    private final Workspace ws;
    private final LocalPorts ports;
    private final PrintStream out;

    LocalRestore(Workspace ws, LocalPorts ports, PrintStream out) {
        this.ws = ws;
        this.ports = ports;
        this.out = out;
    }

    /** The node name of a restored cluster's (only) member. */
    static String member(String cluster) {
        return cluster + "-0";
    }

    /**
     * The body of backup-service's restore request for {@code target} given as command-line words,
     * e.g. {@code --time 2026-12-01T10:15:30Z}; throws naming the accepted options when it is not one.
     */
    static ObjectNode body(List<String> words, String newCluster) {
        ObjectNode target = Json.MAPPER.createObjectNode();
        for (String option : List.of("time", "lsn", "xid", "name")) {
            int at = words.indexOf("--" + option);
            if (at >= 0) {
                if (at + 1 >= words.size()) {
                    throw new IllegalArgumentException("--" + option + " needs a value");
                }
                target.put(option, words.get(at + 1));
            }
        }
        for (String flag : List.of("latest", "immediate")) {
            if (words.contains("--" + flag)) {
                target.put(flag, true);
            }
        }
        if (target.size() != 1) {
            throw new IllegalArgumentException("give one recovery target: --time <ISO-8601 instant>, --lsn <lsn>,"
                    + " --xid <xid>, --name <restore point>, --latest or --immediate");
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("target", target);
        body.putObject("destination").put("new_cluster", newCluster);
        return body;
    }

    /**
     * Requests the restore of {@code source}'s backups into {@code newCluster}, starts that cluster's
     * agent and waits until it reports the restore completed; returns the started agent.
     */
    QuarkusService run(
            String source,
            String newCluster,
            ObjectNode body,
            List<String> etcd,
            Path repository,
            String token,
            String backupService,
            LocalTls tls,
            Map<String, String> passwords) {
        EtcdLayout.requireName("cluster", newCluster);
        OsUser pgUser = OsUser.forPostgres();
        Path nodeDir = ws.dirReachableBy(pgUser, "nodes").resolve(member(newCluster));
        if (Files.exists(nodeDir.resolve("data"))) {
            throw new IllegalStateException(nodeDir.resolve("data") + " already holds a restored cluster: stop"
                    + " pgha (./pgha down), delete that folder, and start again, or restore under another"
                    + " name with --cluster <name>");
        }
        // etcd's role set gains the new cluster before backup-service writes its restore request there
        tls.etcdRoles(etcd, LocalCluster.etcdDeployment(Map.of(newCluster, List.of(member(newCluster)))));
        // backup-service's address as up recorded it (https while TLS is on), through a client trusting the CA
        String api = backupService + "/api/v1/clusters/" + source + "/restores";
        HttpClient http = tls.httpClient();
        // backup-service first waits (bounded by its pgha.backup.wal-wait) until the WAL up to now is archived
        HttpResponse<String> requested = send(
                http,
                HttpRequest.newBuilder(URI.create(api))
                        .timeout(Duration.ofMinutes(6))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))));
        if (requested.statusCode() != 202) {
            throw new IllegalStateException("backup-service refused the restore (HTTP " + requested.statusCode() + "): "
                    + requested.body().strip());
        }
        String id = Json.read(requested.body(), JsonNode.class, "the restore answer")
                .path("id")
                .asText();
        out.println("restore " + id + " requested: " + Json.write(body.get("target")) + " into cluster '" + newCluster
                + "'");

        pgUser.ownedDir(nodeDir);
        AgentSecrets secrets = new AgentSecrets(
                Secrets.write(nodeDir.resolve("api-token"), token, pgUser),
                Secrets.write(nodeDir.resolve("superuser.secret"), passwords.get("superuser"), pgUser),
                Secrets.write(nodeDir.resolve("replication.secret"), passwords.get("replication"), pgUser),
                Secrets.write(nodeDir.resolve("monitoring.secret"), passwords.get("monitoring"), pgUser));
        Map<String, String> properties = ServiceSettings.agent(
                newCluster,
                member(newCluster),
                etcd,
                Ports.LOOPBACK,
                ports.restoredPostgres(),
                nodeDir.resolve("data"),
                secrets,
                repository);
        properties.put("pgha.bootstrap.method", "repository");
        // the restored cluster's PostgreSQL and etcd client are secured like the others' (LocalTls)
        properties.putAll(tls.agent(member(newCluster), Ports.LOOPBACK, nodeDir));
        properties.putAll(tls.etcd(
                etcd, io.pgha.core.EtcdRoles.agent(newCluster, member(newCluster)), nodeDir.resolve("etcd-tls")));
        properties.putAll(tls.agentApiTrust(nodeDir.resolve("rest-tls")));
        QuarkusService.Builder builder = tls.rest(
                        QuarkusService.builder(
                                ws, "agent-" + member(newCluster), QuarkusService.moduleJar("node-agent")),
                        member(newCluster),
                        Ports.LOOPBACK,
                        nodeDir.resolve("rest-tls"))
                .httpPort(ports.restoredAgent())
                .properties(properties)
                .asPostgresUser();
        if (tls.on()) {
            builder.env("HOME", nodeDir.toString()); // libpq and ~/.postgresql (see LocalCluster)
        }
        QuarkusService agent = builder.start();
        out.println("node-agent " + member(newCluster) + " started: " + agent.uri("") + " (PostgreSQL " + Ports.LOOPBACK
                + ":" + ports.restoredPostgres() + ")");
        long started = System.nanoTime();
        String[] last = {""};
        try {
            Wait.until(
                    RESTORE_TIMEOUT,
                    "restore " + id + " completed (GET " + api + "/" + id + ")",
                    () -> {
                        HttpResponse<String> status = send(
                                http,
                                HttpRequest.newBuilder(URI.create(api + "/" + id))
                                        .timeout(Duration.ofSeconds(10))
                                        .GET());
                        JsonNode json = Json.read(status.body(), JsonNode.class, "the restore status");
                        String state = json.path("state").asText();
                        if (!state.equals(last[0])) {
                            out.println("  restore: " + state);
                            last[0] = state;
                        }
                        if (state.equals("failed")) {
                            throw new IllegalStateException("restore failed: "
                                    + json.path("status").path("error").asText());
                        }
                        return state.equals("completed");
                    },
                    () -> agent.process().isAlive() && !last[0].equals("failed"));
        } catch (RuntimeException e) {
            agent.stop();
            throw e;
        }
        out.printf(
                Locale.ROOT,
                "restored in %.1f s: %sPGPASSFILE=%s psql -h 127.0.0.1 -p %d -U postgres%n",
                (System.nanoTime() - started) / 1e9,
                LocalTls.psqlEnvironment(tls.caCert()),
                ws.root().resolve("pgpass"),
                ports.restoredPostgres());
        return agent;
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("backup-service does not answer (is pgha up?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
