package io.pgha.ctl;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/**
 * The launcher's training run for the AppCDS archive (hidden): serves a stand-in coordinator and agent on
 * 127.0.0.1 (an ephemeral port, stopped before it returns) and runs the everyday calls against it, each as
 * its own command line as a user would type it ({@code list} in every format, {@code list -e}, {@code
 * topology}, {@code history}, {@code show-config}, {@code --version}), then a call to a closed port. So the
 * archive holds what a served call loads (picocli's model of the verb, Jackson, {@code
 * HttpURLConnection}). Prints nothing; exit code 1 when any call did not give its expected exit code.
 */
@Command(name = "cds-training", hidden = true)
class TrainCommand extends Verb {
    static final String CLUSTER = "training";

    private static String view(int port) {
        String member = "{\"name\":\"m%d\",\"role\":\"%s\",\"state\":\"%s\",\"host\":\"127.0.0.1\",\"port\":%d,"
                + "\"api_url\":\"http://127.0.0.1:" + port + "/patroni\",\"timeline\":2,\"lag\":%d,"
                + "\"tags\":{\"nofailover\":false}}";
        return "{\"cluster\":\"" + CLUSTER + "\",\"leader\":\"m0\",\"epoch\":7,\"pause\":true,\"coordinator\":\"c-0\","
                + "\"members\":[" + String.format(member, 0, "leader", "running", 5432, 0) + ","
                + String.format(member, 1, "sync_standby", "streaming", 5433, 0) + ","
                + String.format(member, 2, "replica", "streaming", 5434, 1 << 24) + "],"
                + "\"synchronous\":{\"mode\":true,\"promotable\":[\"m1\"]},"
                + "\"scheduled_switchover\":{\"from\":\"m0\",\"to\":\"m1\",\"at\":\"2026-12-24T03:00:00Z\"}}";
    }

    private static final Map<String, String> BODIES = Map.of(
            API + "/" + CLUSTER + "/history",
            "[[1,\"0/3000060\",\"no recovery target specified\",\"2026-12-02T20:00:00+00:00\",\"m0\"]]",
            API + "/" + CLUSTER + "/config",
            "{\"ttl\":30,\"loop_wait\":10,\"postgresql\":{\"parameters\":{\"work_mem\":\"8MB\"}}}",
            "/patroni",
            "{\"state\":\"running\",\"role\":\"primary\",\"pending_restart\":true,"
                    + "\"scheduled_restart\":{\"schedule\":\"2026-12-24T03:00:00+00:00\"},"
                    + "\"database_system_identifier\":\"7300000000000000000\",\"patroni\":{\"version\":\"0.1.0\"}}");

    /** The command lines run against the stand-in, each with the exit code it must give. */
    static List<String[]> calls(String coordinator) {
        List<String[]> calls = new ArrayList<>();
        for (String format : new String[] {"pretty", "tsv", "json", "yaml"}) {
            calls.add(new String[] {"-k", coordinator, "list", CLUSTER, "-f", format});
        }
        calls.add(new String[] {"list", "-k", coordinator, "-e", "-t", CLUSTER});
        calls.add(new String[] {"-k", coordinator, "topology", CLUSTER});
        calls.add(new String[] {"-k", coordinator, "history", CLUSTER});
        calls.add(new String[] {"-k", coordinator, "show-config", CLUSTER});
        calls.add(new String[] {"--version"});
        return calls;
    }

    @Override
    public Integer call() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        int port = server.getAddress().getPort();
        String view = view(port);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String body = path.equals(API + "/" + CLUSTER) ? view : BODIES.get(path);
            byte[] bytes = (body == null ? "{\"error\":\"not found\"}" : body).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        List<String> failed = new ArrayList<>();
        try {
            for (String[] call : calls("http://127.0.0.1:" + port)) {
                if (Main.run(call, Map.of(), sink(), sink()) != ExitCode.OK) {
                    failed.add(String.join(" ", call));
                }
            }
        } finally {
            server.stop(0);
        }
        // A coordinator that does not answer: the error path every call may take.
        String[] closed = {"-k", "http://127.0.0.1:1", "list", CLUSTER};
        if (Main.run(closed, Map.of(), sink(), sink()) != ExitCode.UNREACHABLE) {
            failed.add(String.join(" ", closed));
        }
        if (!failed.isEmpty()) {
            spec.commandLine().getErr().println("cds-training: unexpected exit code from: " + failed);
            return ExitCode.FAILED;
        }
        return ExitCode.OK;
    }

    private static PrintWriter sink() {
        return new PrintWriter(new StringWriter());
    }
}
