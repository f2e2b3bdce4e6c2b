package io.pgha.alert.delivery;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Posts one JSON body to one URL with the JDK client and says whether to forget, retry or give up. */
public final class HttpTransport {
    private final HttpClient http;
    private final Duration timeout;

    public HttpTransport(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** How an attempt ended. */
    public enum Outcome {
        /** 2xx: delivered. */
        DELIVERED,
        /** Unreachable, timed out, 408, 429 or 5xx: try again later. */
        RETRY,
        /** Any other 4xx: the receiver will never take this body; retrying cannot help. */
        REJECTED
    }

    /** An outcome and what the receiver said. */
    public record Result(Outcome outcome, String detail) {}

    /** The outcome of an HTTP answer (pure). */
    public static Result classify(int status, String body) {
        String detail = "HTTP " + status + (body == null || body.isBlank() ? "" : ": " + shorten(body));
        if (status >= 200 && status < 300) {
            return new Result(Outcome.DELIVERED, detail);
        }
        if (status == 408 || status == 429 || status >= 500 || status < 200) {
            return new Result(Outcome.RETRY, detail);
        }
        return new Result(Outcome.REJECTED, detail);
    }

    /**
     * {@code POST target} with {@code json}; returns RETRY when interrupted (the caller is stopping: the
     * notification stays pending and may be delivered twice, which Alertmanager deduplicates).
     */
    public Result post(URI target, String json) {
        HttpRequest request = HttpRequest.newBuilder(target)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        CompletableFuture<HttpResponse<String>> answer = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        try {
            HttpResponse<String> response = answer.get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
            return classify(response.statusCode(), response.body());
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            return new Result(Outcome.RETRY, "interrupted (stopping)");
        } catch (TimeoutException e) {
            answer.cancel(true);
            return new Result(Outcome.RETRY, "no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            return new Result(Outcome.RETRY, describe(e.getCause()));
        }
    }

    private static String describe(Throwable cause) {
        if (cause instanceof HttpTimeoutException) {
            return "no answer within " + "the request timeout";
        }
        if (cause instanceof ConnectException) {
            return "connection refused";
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    private static String shorten(String body) {
        String line = body.strip().replace('\n', ' ');
        return line.length() <= 200 ? line : line.substring(0, 200) + "…";
    }
}
