package io.pgha.ctl;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** {@code query}'s one connection to PostgreSQL, with its JDBC driver (loaded only here). */
final class Sql {
    /** Where and as whom; {@code password} null for the driver's own (~/.pgpass) or none. */
    record Login(String host, int port, String database, String user, String password) {
        @Override
        public String toString() {
            return user + "@" + host + ":" + port + "/" + database; // never the password
        }
    }

    /** The last statement's columns and rows; no columns and a tag ("UPDATE 3") when it returned none. */
    record Result(List<String> columns, List<List<Object>> rows, String tag) {}

    private Sql() {}

    static Result run(String member, Login login, String sql) {
        Properties props = new Properties();
        props.setProperty("user", login.user());
        if (login.password() != null) {
            props.setProperty("password", login.password());
        }
        props.setProperty("connectTimeout", "5");
        props.setProperty("ApplicationName", "pghactl");
        String url = "jdbc:postgresql://" + login.host() + ":" + login.port() + "/" + login.database();
        try (Connection c = new org.postgresql.Driver().connect(url, props);
                Statement st = c.createStatement()) {
            boolean rows = st.execute(sql);
            Result result = null;
            while (true) {
                if (rows) {
                    try (ResultSet rs = st.getResultSet()) {
                        result = read(rs);
                    }
                } else {
                    int count = st.getUpdateCount();
                    if (count == -1) {
                        break;
                    }
                    result = new Result(List.of(), List.of(), "OK, " + count + " rows");
                }
                rows = st.getMoreResults();
            }
            return result == null ? new Result(List.of(), List.of(), "OK") : result;
        } catch (SQLException e) {
            throw CtlException.failed("query on member " + member + " (" + login + ") failed: "
                    + (e.getSQLState() == null ? "" : "SQLSTATE " + e.getSQLState() + ": ") + e.getMessage());
        }
    }

    private static Result read(ResultSet rs) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        List<String> columns = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            columns.add(meta.getColumnLabel(i));
        }
        List<List<Object>> rows = new ArrayList<>();
        while (rs.next()) {
            List<Object> row = new ArrayList<>();
            for (int i = 1; i <= columns.size(); i++) {
                Object value = rs.getObject(i);
                row.add(value == null || value instanceof Number || value instanceof Boolean ? value : rs.getString(i));
            }
            rows.add(row);
        }
        return new Result(columns, rows, "");
    }
}
