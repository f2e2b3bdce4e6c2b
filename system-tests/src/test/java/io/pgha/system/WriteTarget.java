package io.pgha.system;

import io.pgha.local.Wait;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * Where a benchmark client writes: a JDBC URL (HAProxy's read-write port), a login and a table of
 * numbered rows ({@code id bigint primary key, member text}), and the one insert both {@link Writer}
 * (closed loop) and {@link OpenLoopWriter} send: it stores the id with the {@code cluster_name} of the
 * member that executed it, and returns that name.
 */
final class WriteTarget {
    private final String jdbcUrl;
    private final Properties login = new Properties();
    private final String table;

    /**
     * @param parameters JDBC URL parameters after {@code ?} (timeouts, application name, and more such as
     *     {@code &prepareThreshold=0})
     */
    WriteTarget(String host, int port, String user, String password, String table, String parameters) {
        this.jdbcUrl = "jdbc:postgresql://" + host + ":" + port + "/postgres?" + parameters;
        login.setProperty("user", user);
        login.setProperty("password", password);
        this.table = table;
    }

    String table() {
        return table;
    }

    /** The URL, without the password (which is in the login properties). */
    String jdbcUrl() {
        return jdbcUrl;
    }

    /** Creates the table when missing, retrying for up to {@code timeout}. */
    void createTable(Duration timeout) {
        Wait.until(timeout, "table " + table + " created through " + jdbcUrl, () -> {
            try (Connection c = connect();
                    Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS " + table + " (id bigint PRIMARY KEY, member text)");
                return true;
            }
        });
    }

    /** A new connection. */
    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, login);
    }

    /** The insert, prepared on {@code connection}. */
    PreparedStatement prepareInsert(Connection connection) throws SQLException {
        return connection.prepareStatement(
                "INSERT INTO " + table + " VALUES (?, current_setting('cluster_name')) RETURNING member");
    }

    /** Inserts row {@code id} with {@code insert} and returns the member that acknowledged it. */
    static String insert(PreparedStatement insert, long id) throws SQLException {
        insert.setLong(1, id);
        try (ResultSet rows = insert.executeQuery()) {
            rows.next();
            return rows.getString(1);
        }
    }

    /** The exception's class and the first line of its message. */
    static String firstLine(Exception e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return e.getClass().getSimpleName() + ": " + (newline < 0 ? message : message.substring(0, newline));
    }

    static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // already broken
            }
        }
    }
}
