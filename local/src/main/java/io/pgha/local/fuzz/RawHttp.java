package io.pgha.local.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 client over a plain socket that sends exactly the bytes it is given (Java's
 * {@code HttpClient} refuses odd paths and headers, which is what a fuzz test must send). One request
 * per connection ({@code Connection: close}); the answer is read to the end of the stream.
 */
public final class RawHttp {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String host;
    private final int port;

    public RawHttp(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /**
     * The server's answer.
     *
     * @param status the status code; 0 when the server closed the connection without answering
     * @param reason the reason phrase of the status line
     * @param headers the response headers, names in lower case
     * @param body the body as UTF-8 text (chunked bodies decoded)
     */
    public record Answer(int status, String reason, Map<String, String> headers, String body) {
        /** A refusal: 4xx, or the connection closed without an answer (a malformed request may get that). */
        public boolean refused() {
            return status == 0 || (status >= 400 && status < 500);
        }

        @Override
        public String toString() {
            String shown = body.length() > 300 ? body.substring(0, 300) + "…" : body;
            return status + " " + reason + " " + shown.strip();
        }
    }

    /** {@code method target} with {@code headers} and {@code body} (Content-Length added when there is one). */
    public Answer send(String method, String target, Map<String, String> headers, byte[] body) {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        head.append("Host: ").append(host).append(':').append(port).append("\r\n");
        head.append("Connection: close\r\n");
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        headers.forEach(
                (name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("\r\n");
        request.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            request.writeBytes(body);
        }
        return sendRaw(request.toByteArray());
    }

    /** GET {@code target} with no extra header. */
    public Answer get(String target) {
        return send("GET", target, Map.of(), null);
    }

    /** Sends {@code request} as it is and reads the answer. */
    public Answer sendRaw(byte[] request) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) TIMEOUT.toMillis());
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            try {
                // no shutdownOutput(): the HTTP server takes a half-close as the client going away
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // the server may answer (413, 431, 400) and close before reading everything: read it
            }
            return parse(readAll(socket.getInputStream()));
        } catch (SocketTimeoutException e) {
            throw new IllegalStateException(
                    "no answer from " + host + ":" + port + " within " + TIMEOUT.toSeconds() + " s: the server hangs",
                    e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot talk to " + host + ":" + port + ": " + e, e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                all.write(buffer, 0, n);
            }
        } catch (java.net.SocketException e) {
            // connection reset after the answer: keep what arrived
        }
        return all.toByteArray();
    }

    static Answer parse(byte[] raw) {
        if (raw.length == 0) {
            return new Answer(0, "connection closed without an answer", Map.of(), "");
        }
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        String head = end < 0 ? text : text.substring(0, end);
        byte[] rest = end < 0 ? new byte[0] : java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        String[] lines = head.split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/")) {
            throw new IllegalStateException("not an HTTP answer: " + lines[0]);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(
                        lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).strip());
            }
        }
        byte[] body = "chunked".equalsIgnoreCase(headers.get("transfer-encoding")) ? dechunk(rest) : rest;
        return new Answer(
                Integer.parseInt(status[1]),
                status.length > 2 ? status[2] : "",
                headers,
                new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < chunked.length) {
            int lineEnd = indexOf(chunked, at);
            if (lineEnd < 0) {
                break;
            }
            String size = new String(chunked, at, lineEnd - at, StandardCharsets.ISO_8859_1).split(";")[0].strip();
            int length = Integer.parseInt(size, 16);
            if (length == 0) {
                break;
            }
            int start = lineEnd + 2;
            out.write(chunked, start, Math.min(length, chunked.length - start));
            at = start + length + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
