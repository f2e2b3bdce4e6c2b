package io.pgha.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code pgbouncer.ini} (and its {@code auth_file}) of a test or benchmark PgBouncer, one copy for
 * every caller of {@link PgBouncer#start}: it listens on 127.0.0.1 only, with {@code unix_socket_dir}
 * empty, {@code extra_float_digits} ignored, SCRAM authentication against {@code userlist.txt} in
 * {@link PgBouncer#directory(Workspace)}, the admin login in {@code admin_users}, transaction pooling
 * unless {@link #poolMode} says otherwise. Not the production file: config-renderer's
 * {@code PgBouncerIniRenderer} renders that one.
 *
 * <pre>{@code
 * PgBouncerTestIni.writeAuthFile(workspace, ADMIN, Map.of("postgres", "secret"));
 * String ini = PgBouncerTestIni.of(workspace, port, ADMIN)
 *         .database("app", postgres.host(), postgres.port(), "postgres")
 *         .set("stats_period", "1")
 *         .render();
 * }</pre>
 */
public final class PgBouncerTestIni {
    /** The {@code auth_file}'s name inside {@link PgBouncer#directory(Workspace)}. */
    public static final String AUTH_FILE = "userlist.txt";

    private final Workspace workspace;
    private final int port;
    private final PgBouncer.AdminLogin admin;
    private final List<String> databases = new ArrayList<>();
    private final Map<String, String> settings = new LinkedHashMap<>();
    private String poolMode = "transaction";

    private PgBouncerTestIni(Workspace workspace, int port, PgBouncer.AdminLogin admin) {
        this.workspace = workspace;
        this.port = port;
        this.admin = admin;
    }

    /** A configuration listening on 127.0.0.1:{@code port} with {@code admin} in {@code admin_users}. */
    public static PgBouncerTestIni of(Workspace workspace, int port, PgBouncer.AdminLogin admin) {
        return new PgBouncerTestIni(workspace, port, admin);
    }

    /**
     * Writes the {@code auth_file}: the admin login, then each user with its password (plain text,
     * which PgBouncer turns into SCRAM for clients), mode 600.
     */
    public static Path writeAuthFile(Workspace workspace, PgBouncer.AdminLogin admin, Map<String, String> users) {
        StringBuilder text = new StringBuilder(line(admin.user(), admin.password()));
        users.forEach((user, password) -> text.append(line(user, password)));
        return PgBouncer.writePrivateFile(workspace, AUTH_FILE, text.toString());
    }

    /** {@code <name> = host=<host> port=<port> dbname=<dbname> [<extra>]} under {@code [databases]}. */
    public PgBouncerTestIni database(String name, String host, int serverPort, String dbname, String... extra) {
        StringBuilder line = new StringBuilder(name + " = host=" + host + " port=" + serverPort + " dbname=" + dbname);
        for (String e : extra) {
            line.append(' ').append(e);
        }
        databases.add(line.toString());
        return this;
    }

    /** {@code pool_mode} ({@code transaction} unless set). */
    public PgBouncerTestIni poolMode(String mode) {
        this.poolMode = mode;
        return this;
    }

    /** One more {@code [pgbouncer]} setting, after the fixed ones. */
    public PgBouncerTestIni set(String key, Object value) {
        settings.put(key, String.valueOf(value));
        return this;
    }

    /** The file's text. */
    public String render() {
        StringBuilder ini = new StringBuilder("[databases]\n");
        databases.forEach(d -> ini.append(d).append('\n'));
        ini.append("[pgbouncer]\n")
                .append("listen_addr = ")
                .append(Ports.LOOPBACK)
                .append('\n')
                .append("listen_port = ")
                .append(port)
                .append('\n')
                .append("unix_socket_dir =\n")
                .append("auth_type = scram-sha-256\n")
                .append("auth_file = ")
                .append(PgBouncer.directory(workspace).resolve(AUTH_FILE))
                .append('\n')
                .append("admin_users = ")
                .append(admin.user())
                .append('\n')
                .append("pool_mode = ")
                .append(poolMode)
                .append('\n')
                .append("ignore_startup_parameters = extra_float_digits\n");
        settings.forEach((k, v) -> ini.append(k).append(" = ").append(v).append('\n'));
        return ini.toString();
    }

    private static String line(String user, String password) {
        return "\"" + user + "\" \"" + password + "\"\n";
    }
}
