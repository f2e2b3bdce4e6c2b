package io.pgha.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgha.core.Json;
import io.pgha.local.Commands;
import io.pgha.local.LocalProcess;
import io.pgha.local.Ports;
import io.pgha.local.Wait;
import io.pgha.local.Workspace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real browser for page tests: Debian's headless Chromium, driven through the DevTools protocol on
 * loopback (one page; navigate, evaluate JavaScript, take a screenshot). The process runs in its own
 * process group and is stopped by {@link #close()}.
 */
final class HeadlessChromium implements AutoCloseable {
    private static final Duration CALL = Duration.ofSeconds(15);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final LocalProcess process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> calls = new ConcurrentHashMap<>();

    private HeadlessChromium(LocalProcess process, WebSocket socket) {
        this.process = process;
        this.socket = socket;
    }

    /** Starts Chromium with one blank page, {@code width} × {@code height} pixels. */
    static HeadlessChromium start(Workspace workspace, int width, int height) throws Exception {
        return start(workspace, width, height, List.of());
    }

    /**
     * Starts Chromium with one blank page, {@code width} × {@code height} pixels, accepting https servers
     * whose chain holds a certificate of {@code trusted} (PEM files: a local CA and the certificates it
     * issued). Chromium reads its CAs from an NSS database this machine has no tool to fill ({@code
     * certutil}); its {@code --ignore-certificate-errors-spki-list} accepts exactly the servers whose chain
     * has one of these public keys (SHA-256 of the SubjectPublicKeyInfo, base64), and still refuses any
     * other certificate.
     */
    static HeadlessChromium start(Workspace workspace, int width, int height, List<Path> trusted) throws Exception {
        Path binary = Commands.require("chromium", "chromium");
        Path profile = workspace.dir("chromium-profile");
        int port = Ports.free();
        List<String> command = new java.util.ArrayList<>(List.of(binary.toString()));
        if (!trusted.isEmpty()) {
            command.add("--ignore-certificate-errors-spki-list=" + String.join(",", spkiHashes(trusted)));
        }
        LocalProcess process = LocalProcess.start(
                "chromium",
                concat(
                        command,
                        "--headless=new",
                        "--no-sandbox", // runs as root here; the page is pgha's own, on loopback
                        "--disable-gpu",
                        "--disable-dev-shm-usage",
                        "--no-first-run",
                        "--disable-extensions",
                        "--remote-debugging-address=" + Ports.LOOPBACK,
                        "--remote-debugging-port=" + port,
                        "--user-data-dir=" + profile,
                        "--window-size=" + width + "," + height,
                        "about:blank"),
                profile,
                workspace.log("chromium"),
                Map.of(),
                false);
        try {
            String base = "http://" + Ports.LOOPBACK + ":" + port;
            String[] page = new String[1];
            process.awaitReady(
                    Duration.ofSeconds(60),
                    "Chromium's DevTools endpoint with a page",
                    () -> {
                        JsonNode targets = Json.read(get(base + "/json/list"), JsonNode.class, "DevTools targets");
                        for (JsonNode target : targets) {
                            if ("page".equals(target.path("type").asText())) {
                                page[0] = target.path("webSocketDebuggerUrl").asText();
                                return true;
                            }
                        }
                        return false;
                    },
                    40);
            HeadlessChromium[] self = new HeadlessChromium[1];
            WebSocket socket = HTTP.newWebSocketBuilder()
                    .buildAsync(URI.create(page[0]), new Listener(self))
                    .get(CALL.toSeconds(), TimeUnit.SECONDS);
            self[0] = new HeadlessChromium(process, socket);
            return self[0];
        } catch (Exception | Error e) {
            process.close();
            throw e;
        }
    }

    private static List<String> concat(List<String> first, String... rest) {
        List<String> all = new java.util.ArrayList<>(first);
        all.addAll(List.of(rest));
        return all;
    }

    /** base64(SHA-256(SubjectPublicKeyInfo)) of each certificate in the PEM files {@code certificates}. */
    static List<String> spkiHashes(List<Path> certificates) throws Exception {
        List<String> hashes = new java.util.ArrayList<>();
        java.security.cert.CertificateFactory x509 = java.security.cert.CertificateFactory.getInstance("X.509");
        for (Path file : certificates) {
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
                for (java.security.cert.Certificate certificate : x509.generateCertificates(in)) {
                    byte[] spki = certificate.getPublicKey().getEncoded(); // X.509 SubjectPublicKeyInfo, DER
                    hashes.add(Base64.getEncoder()
                            .encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                                    .digest(spki)));
                }
            }
        }
        return hashes;
    }

    /** Opens {@code url} in the page and waits until its load event. */
    void open(String url) throws Exception {
        call("Page.enable", Json.MAPPER.createObjectNode());
        call("Page.navigate", Json.MAPPER.createObjectNode().put("url", url));
        Wait.until(Duration.ofSeconds(30), "the page " + url + " loaded", () -> "complete"
                .equals(evaluate("document.readyState")));
    }

    /** The value of a JavaScript expression in the page, as text ("" for null or undefined). */
    String evaluate(String expression) throws Exception {
        JsonNode result = call(
                "Runtime.evaluate",
                Json.MAPPER.createObjectNode().put("expression", expression).put("returnByValue", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("JavaScript " + expression + " failed: " + result.get("exceptionDetails"));
        }
        JsonNode value = result.path("result").path("value");
        return value.isMissingNode() || value.isNull() ? "" : value.asText();
    }

    /** A PNG of the page as it is shown. */
    byte[] screenshot() throws Exception {
        JsonNode result =
                call("Page.captureScreenshot", Json.MAPPER.createObjectNode().put("format", "png"));
        return Base64.getDecoder().decode(result.path("data").asText());
    }

    private JsonNode call(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        calls.put(id, answer);
        ObjectNode message = Json.MAPPER.createObjectNode().put("id", id).put("method", method);
        message.set("params", params);
        socket.sendText(message.toString(), true).get(CALL.toSeconds(), TimeUnit.SECONDS);
        try {
            JsonNode reply = answer.get(CALL.toSeconds(), TimeUnit.SECONDS);
            if (reply.has("error")) {
                throw new IllegalStateException(method + ": " + reply.get("error"));
            }
            return reply.path("result");
        } finally {
            calls.remove(id);
        }
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + ": HTTP " + response.statusCode());
        }
        return response.body();
    }

    @Override
    public void close() {
        try {
            socket.abort();
        } finally {
            process.close();
        }
    }

    /** Collects each message (it may come in parts) and completes the call it answers. */
    private static final class Listener implements WebSocket.Listener {
        private final HeadlessChromium[] owner;
        private final StringBuilder parts = new StringBuilder();

        Listener(HeadlessChromium[] owner) {
            this.owner = owner;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            parts.append(data);
            if (last) {
                JsonNode message = Json.read(parts.toString(), JsonNode.class, "DevTools message");
                parts.setLength(0);
                HeadlessChromium self = owner[0];
                if (self != null && message.has("id")) {
                    CompletableFuture<JsonNode> call =
                            self.calls.get(message.get("id").asInt());
                    if (call != null) {
                        call.complete(message);
                    }
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
