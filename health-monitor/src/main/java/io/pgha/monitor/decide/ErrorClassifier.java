package io.pgha.monitor.decide;

import io.netty.channel.ConnectTimeoutException;
import io.pgha.events.NodeHealthEvent.ErrorClass;
import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeoutException;

/**
 * Sorts a failed probe into an {@link ErrorClass} from the exception alone, so that consumers can
 * tell a dead host from a bad password. Pure.
 */
public final class ErrorClassifier {
    private static final int MAX_MESSAGE = 300;

    private ErrorClassifier() {}

    /** The class of {@code error}, looking through its causes. */
    public static ErrorClass classify(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg) {
                return bySqlState(pg.getSqlState());
            }
            if (t instanceof ProbeTimeoutException
                    || t instanceof ConnectTimeoutException
                    || t instanceof SocketTimeoutException
                    || t instanceof TimeoutException) {
                return ErrorClass.TIMEOUT;
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return ErrorClass.CONNECTION_REFUSED;
            }
        }
        return ErrorClass.OTHER;
    }

    /**
     * The class of a PostgreSQL error: 28xxx authentication (permanent until the credentials are
     * fixed), 53300 too many connections, 57P0x shutting down / starting up (not serving), 57014 a
     * cancelled statement (statement_timeout), 08xxx connection trouble, anything else a failed query.
     */
    public static ErrorClass bySqlState(String sqlState) {
        if (sqlState == null) {
            return ErrorClass.OTHER;
        }
        if (sqlState.startsWith("28")) {
            return ErrorClass.AUTHENTICATION;
        }
        if (sqlState.equals("53300")) {
            return ErrorClass.TOO_MANY_CONNECTIONS;
        }
        if (sqlState.startsWith("57P0")) {
            return ErrorClass.CONNECTION_REFUSED;
        }
        if (sqlState.equals("57014")) {
            return ErrorClass.TIMEOUT;
        }
        if (sqlState.startsWith("08")) {
            return ErrorClass.CONNECTION_REFUSED;
        }
        return ErrorClass.QUERY_FAILED;
    }

    /** A short message for {@code error}: its type and message, cut to a sane length. */
    public static String describe(Throwable error) {
        Throwable shown = error;
        while (shown.getMessage() == null && shown.getCause() != null && shown.getCause() != shown) {
            shown = shown.getCause();
        }
        String text = shown.getClass().getSimpleName() + (shown.getMessage() == null ? "" : ": " + shown.getMessage());
        return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE) + "...";
    }

    /** A probe that did not finish within connect-timeout + statement-timeout. */
    public static final class ProbeTimeoutException extends RuntimeException {
        public ProbeTimeoutException(long millis) {
            super("no answer within " + millis + " ms");
        }
    }
}
