package io.pgha.agent.api;

/**
 * The answer to a POST or DELETE action: Patroni's status code and text.
 *
 * @param status the HTTP status
 * @param text the body (one line, Patroni's wording where Patroni has one)
 */
public record ActionAnswer(int status, String text) {
    public static ActionAnswer of(int status, String text) {
        return new ActionAnswer(status, text);
    }
}
