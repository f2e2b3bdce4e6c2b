package io.pgha.local.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** {@code ./pgha up | down [--purge] | status | restore ...}, run by the {@code pgha} script with {@code --home}. */
public final class Main {
    static final String USAGE =
            "usage: ./pgha up [--insecure] | down [--purge] | status | restore (--time T | --lsn L | --xid X | --name N | --latest | --immediate) [--cluster NAME]";

    private Main() {}

    public static void main(String[] args) {
        // Progress goes to stdout; the launchers' own INFO lines would only repeat it.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        // jetcd and the Kafka admin client log through SLF4J, which has no backend here: no notice about that.
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        System.exit(run(args));
    }

    /** Runs one command; returns the exit code (2 for bad usage). */
    static int run(String[] args) {
        List<String> words = Arrays.asList(args);
        Path home = Path.of(".pgha");
        int homeAt = words.indexOf("--home");
        if (homeAt >= 0) {
            if (homeAt + 1 >= words.size()) {
                System.err.println("--home needs a folder\n" + USAGE);
                return 2;
            }
            home = Path.of(words.get(homeAt + 1));
        }
        String command = words.isEmpty() ? "" : words.get(0);
        LocalCluster cluster = new LocalCluster(home, LocalPorts.defaults(), System.out);
        try {
            switch (command) {
                case "up" -> {
                    if (words.contains("--insecure")) {
                        cluster.insecure();
                    }
                    cluster.up();
                }
                case "down" -> cluster.down(words.contains("--purge"));
                case "status" -> cluster.status();
                case "restore" -> cluster.restore(words.subList(0, homeAt >= 0 ? homeAt : words.size()));
                default -> {
                    System.err.println("unknown command '" + command + "'\n" + USAGE);
                    return 2;
                }
            }
            return 0;
        } catch (RuntimeException e) {
            System.err.println("pgha " + command + " failed: " + e.getMessage());
            return 1;
        }
    }
}
