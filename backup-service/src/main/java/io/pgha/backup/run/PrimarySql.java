package io.pgha.backup.run;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * What backup-service does on the primary through SQL, as the superuser: force a WAL segment switch
 * after a backup, and write the heartbeat row a restore drill checks.
 */
final class PrimarySql {
    /** The heartbeat table (in the {@code postgres} database). */
    static final String HEARTBEAT_TABLE = "pgha_backup_heartbeat";

    private final org.postgresql.Driver driver = new org.postgresql.Driver();
    private final Credentials superuser;
    private final Duration timeout;
    private final ClientTls tls;

    PrimarySql(Credentials superuser, Duration timeout, ClientTls tls) {
        this.superuser = superuser;
        this.timeout = timeout;
        this.tls = tls;
    }

    /** How this and the tools that go with it connect ({@code sslmode}). */
    ClientTls tls() {
        return tls;
    }

    /** {@code SELECT pg_switch_wal()}: the segment being written is closed and handed to the archiver. */
    String switchWal(Endpoint primary) throws SQLException {
        try (Connection c = connect(primary);
                Statement st = c.createStatement();
                ResultSet r = st.executeQuery("SELECT pg_walfile_name(pg_switch_wal())")) {
            r.next();
            return r.getString(1);
        }
    }

    /** Inserts one heartbeat row ({@code now()}), creating the table first when needed. */
    void heartbeat(Endpoint primary) throws SQLException {
        try (Connection c = connect(primary);
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + HEARTBEAT_TABLE + " (at timestamptz PRIMARY KEY DEFAULT now())");
            st.execute("INSERT INTO " + HEARTBEAT_TABLE + " DEFAULT VALUES ON CONFLICT DO NOTHING");
            st.execute("DELETE FROM " + HEARTBEAT_TABLE + " WHERE at < now() - interval '7 days'");
        }
    }

    Connection connect(Endpoint endpoint) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", superuser.user());
        superuser.password().ifPresent(pw -> p.setProperty("password", pw));
        p.setProperty("connectTimeout", Long.toString(Math.max(1, timeout.toSeconds())));
        p.setProperty("socketTimeout", Long.toString(Math.max(1, timeout.toSeconds())));
        p.setProperty("ApplicationName", "pgha-backup-service");
        tls.addTo(p);
        Connection c = driver.connect(endpoint.jdbcUrl("postgres"), p);
        if (c == null) {
            throw new SQLException("no connection to " + endpoint);
        }
        return c;
    }
}
