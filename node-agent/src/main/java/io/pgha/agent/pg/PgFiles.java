package io.pgha.agent.pg;

import io.pgha.core.PgHba;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The files of one PostgreSQL instance that the agent writes: pgha.conf (included by postgresql.conf),
 * pg_hba.conf, pg_ident.conf, standby.signal, pgpass, the private socket directory, the TLS files; every value through
 * {@link PgConfigFiles}, every file replaced atomically and only when it changes.
 */
final class PgFiles {
    /** The file of the agent's settings, included at the end of postgresql.conf. */
    static final String CONF = "pgha.conf";

    private final PgSettings s;
    private final ExtraSettings extra;

    PgFiles(PgSettings settings, ExtraSettings extra) {
        this.s = settings;
        this.extra = extra;
    }

    Path nodeDir() {
        return s.dataDir().toAbsolutePath().getParent();
    }

    /** The Unix socket's directory: private to the user PostgreSQL runs as (mode 0700). */
    Path socketDir() {
        return nodeDir().resolve("socket");
    }

    Path logFile() {
        return nodeDir().resolve("postgresql.log");
    }

    private volatile Map<String, String> written = Map.of();

    /** The settings of the last pgha.conf written (the values a pending restart would apply). */
    Map<String, String> written() {
        return written;
    }

    /** Writes pgha.conf, pg_hba.conf, standby.signal and pgpass for a start as standby or primary. */
    void configure(boolean standby, Optional<Upstream> upstream, String synchronousStandbyNames) {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("listen_addresses", s.listenHost());
        conf.put("port", Integer.toString(s.port()));
        conf.put("unix_socket_directories", socketDir().toString());
        conf.put("unix_socket_permissions", "0700");
        conf.put("cluster_name", s.member());
        conf.put("wal_level", "replica");
        conf.put("hot_standby", "on");
        conf.put("max_wal_senders", "10");
        conf.put("max_replication_slots", "10");
        conf.put("max_connections", "50");
        conf.put("wal_keep_size", "128MB");
        conf.put("wal_log_hints", "on");
        conf.put("hot_standby_feedback", "on");
        // a standby that finds no WAL (its upstream gone, or a timeline switch raced its rescan) tries again
        // after this; 1 s cost a switchover's new primary up to 1 s of blocked synchronous commits (DESIGN.md)
        conf.put("wal_retrieve_retry_interval", "250ms");
        conf.put("recovery_target_timeline", "latest");
        if (!s.fsync()) {
            conf.put("fsync", "off");
        }
        if (s.passwords()) {
            conf.put("password_encryption", "scram-sha-256");
        }
        if (s.tls().isPresent()) {
            conf.putAll(PgTls.serverSettings(tlsDir()));
        }
        conf.putAll(extra.dynamic()); // the cluster-wide postgresql.parameters; this member's own win
        conf.putAll(s.parameters());
        conf.putAll(extra.all());
        // a standby ignores it; written anyway so that it is in force from the moment of promotion
        conf.put("synchronous_standby_names", synchronousStandbyNames);
        if (standby && upstream.isPresent()) {
            conf.put("primary_conninfo", conninfo(upstream.get(), s.replicationUser(), true));
            conf.put("primary_slot_name", PostgresControl.slotName(s.member()));
        } else {
            conf.put("primary_conninfo", "");
            conf.put("primary_slot_name", "");
        }
        // everything is rendered (and refused) before anything is written
        String text = PgConfigFiles.conf("# written by the pgha node-agent before every start: do not edit", conf);
        String hba = hba();
        String ident = ident();
        Optional<String> pgpassLine =
                s.replicationPassword().map(password -> PgConfigFiles.pgpassLine(s.replicationUser(), password));
        try {
            privateSocketDir();
            if (s.tls().isPresent()) {
                provisionTls(s.tls().get());
            }
            write(s.dataDir().resolve(CONF), text);
            written = Map.copyOf(conf);
            write(s.dataDir().resolve("pg_hba.conf"), hba);
            write(s.dataDir().resolve("pg_ident.conf"), ident);
            Path signal = s.dataDir().resolve("standby.signal");
            if (standby) {
                if (!Files.exists(signal)) {
                    write(signal, "");
                }
            } else {
                Files.deleteIfExists(signal);
            }
            if (pgpassLine.isPresent()) {
                Path pgpass = nodeDir().resolve("pgpass");
                Path temp = nodeDir().resolve("pgpass.pgha-tmp");
                Files.deleteIfExists(temp);
                Files.createFile(
                        temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(temp, pgpassLine.get());
                Files.move(
                        temp,
                        pgpass,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the configuration of " + s.dataDir(), e);
        }
    }

    /**
     * pg_hba.conf: over the Unix socket (its directory is private to PostgreSQL's OS user) every role
     * may connect; over TCP, from {@code allowed-cidr}, with the method {@link PgSettings#hostAuthMethod};
     * with TLS only over TLS ({@code hostssl}), any TCP connection without it rejected ({@link
     * PgTls#hostLines}).
     *
     * <p>With the dynamic config's {@code postgresql.pg_hba} (node-agent's DESIGN.md, "pg_hba and
     * pg_ident"): pgha's own lines first (the socket, replication for the replication role and the
     * superuser, every database for the superuser, monitoring and pooler roles, and with TLS the {@code
     * hostnossl ... reject} lines), then the user's lines, which replace pgha's {@code host all all}: the
     * first matching line wins, so the user can neither lock the members out of each other nor let
     * plaintext TCP in while TLS is on.
     */
    String hba() {
        String method = s.hostAuthMethod();
        String cidr = PgConfigFiles.hbaAddress(s.allowedCidr());
        String replication = PgConfigFiles.hbaRole("pgha.postgres.replication.username", s.replicationUser());
        String superuser = PgConfigFiles.hbaRole("pgha.postgres.superuser.username", s.superuser());
        List<String> user = extra.pgHba();
        List<String> problems = PgHba.hbaProblems(user);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("pg_hba.conf not written: " + String.join("; ", problems));
        }
        List<String> tcp = new ArrayList<>(List.of(
                "host replication " + replication + " " + cidr + " " + method,
                "host replication " + superuser + " " + cidr + " " + method));
        if (user.isEmpty()) {
            tcp.add("host all all " + cidr + " " + method);
        } else {
            tcp.add("host all " + superuser + " " + cidr + " " + method);
            tcp.add("host all " + PgConfigFiles.hbaRole("pgha.postgres.monitoring.username", s.monitoringUser()) + " "
                    + cidr + " " + method);
            tcp.add("host all " + PgConfigFiles.hbaRole("pgha.postgres.pooler.username", s.poolerUser()) + " " + cidr
                    + " " + method);
        }
        List<String> lines = new ArrayList<>(
                List.of("# written by the pgha node-agent", "local all all trust", "local replication all trust"));
        lines.addAll(PgTls.hostLines(tcp, s.tls().isPresent()));
        if (!user.isEmpty()) {
            lines.add("# postgresql.pg_hba of the dynamic config (after pgha's own lines: the first match wins)");
            lines.addAll(user);
        }
        lines.add("");
        return String.join("\n", lines);
    }

    /** pg_ident.conf: the dynamic config's {@code postgresql.pg_ident} lines (none: no map). */
    String ident() {
        List<String> problems = PgHba.identProblems(extra.pgIdent());
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("pg_ident.conf not written: " + String.join("; ", problems));
        }
        List<String> lines = new ArrayList<>();
        lines.add("# written by the pgha node-agent from postgresql.pg_ident of the dynamic config");
        lines.addAll(extra.pgIdent());
        lines.add("");
        return String.join("\n", lines);
    }

    /** Where PostgreSQL reads its TLS files from: beside the data directory, private to its OS user. */
    Path tlsDir() {
        return nodeDir().resolve(PgTls.DIR);
    }

    /**
     * Copies the operator's certificate, key and CA into {@link #tlsDir} (mode 700, files 600, owned by
     * this process' user: the one PostgreSQL runs as), each replaced atomically and only when it
     * changed: a reload after the operator replaced them (POST /reload) serves the new ones.
     */
    private void provisionTls(PgTls tls) throws IOException {
        Path dir = tlsDir();
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        writePrivate(dir.resolve(PgTls.CERT), Files.readAllBytes(tls.certFile()));
        writePrivate(dir.resolve(PgTls.KEY), Files.readAllBytes(tls.keyFile()));
        writePrivate(dir.resolve(PgTls.CA), Files.readAllBytes(tls.caFile()));
    }

    /** Like {@link #write}, with the file readable by its owner only from the moment it exists. */
    private static void writePrivate(Path file, byte[] content) throws IOException {
        if (Files.exists(file) && java.util.Arrays.equals(Files.readAllBytes(file), content)) {
            return;
        }
        Path temp = file.resolveSibling(file.getFileName() + ".pgha-tmp");
        Files.deleteIfExists(temp);
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(temp, content);
        Files.move(
                temp,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Creates the socket directory (mode 0700) or makes an existing one private again. */
    void privateSocketDir() throws IOException {
        Path dir = socketDir();
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new IOException(
                    "cannot make the socket directory " + dir + " private (mode 0700): it must belong to the user"
                            + " the agent and PostgreSQL run as (" + System.getProperty("user.name") + "); chown it",
                    e);
        }
    }

    String conninfo(Upstream upstream, String user, boolean withPassfile, String... more) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("host", upstream.host());
        values.put("port", Integer.toString(upstream.port()));
        values.put("user", user);
        values.put("application_name", s.member());
        values.put("connect_timeout", Long.toString(Math.max(2, s.sqlTimeout().toSeconds())));
        if (withPassfile && s.replicationPassword().isPresent()) {
            values.put("passfile", nodeDir().resolve("pgpass").toString());
        }
        s.tls().ifPresent(tls -> values.putAll(tls.clientOptions(upstream.host())));
        for (int i = 0; i + 1 < more.length; i += 2) {
            values.put(more[i], more[i + 1]);
        }
        return PgConfigFiles.conninfo(values);
    }

    void createDataDir() {
        try {
            Files.createDirectories(s.dataDir());
            Files.setPosixFilePermissions(s.dataDir(), PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the data directory " + s.dataDir(), e);
        }
    }

    /**
     * Replaces {@code file} atomically (PostgreSQL may be reading it while starting or reloading), and
     * only when its content changes.
     */
    static void write(Path file, String text) throws IOException {
        if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).equals(text)) {
            return;
        }
        Path temp = file.resolveSibling(file.getFileName() + ".pgha-tmp");
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        Files.move(
                temp,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
