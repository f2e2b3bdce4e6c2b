package io.pgha.renderer.fence;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads HAProxy 2.6's CLI answers the fence needs (pure): the old workers in the master's {@code show
 * proc}, and a worker's sessions of one backend in {@code show sess}. A worker replaced by a reload
 * answers "Proxy is disabled." to {@code set server} and {@code shutdown sessions server} (checked on
 * Debian's 2.6.12), so its sessions are ended one by one ({@code shutdown session <ptr>}); it accepts no
 * new connection, so that is all it takes.
 */
public final class HaproxyWorkers {
    private static final Pattern WORKER = Pattern.compile("^\\s*(\\d+)\\s+worker\\s");
    private static final Pattern SESSION = Pattern.compile("^(0x[0-9a-fA-F]+): .*\\sbe=(\\S+)\\s");

    private HaproxyWorkers() {}

    /** The pids listed under {@code # old workers} in {@code show proc}. */
    public static List<Long> oldWorkers(String showProc) {
        List<Long> pids = new ArrayList<>();
        boolean old = false;
        for (String line : showProc.split("\n")) {
            if (line.startsWith("#")) {
                old = line.strip().equals("# old workers");
                continue;
            }
            Matcher m = WORKER.matcher(line);
            if (old && m.find()) {
                pids.add(Long.parseLong(m.group(1)));
            }
        }
        return List.copyOf(pids);
    }

    /** The session pointers of {@code show sess} whose backend is {@code backend}. */
    public static List<String> sessionsOf(String showSess, String backend) {
        List<String> sessions = new ArrayList<>();
        for (String line : showSess.split("\n")) {
            Matcher m = SESSION.matcher(line);
            if (m.find() && m.group(2).equals(backend)) {
                sessions.add(m.group(1));
            }
        }
        return List.copyOf(sessions);
    }

    /** The master's answer when the worker is gone: its sessions went with it. */
    public static boolean workerGone(String answer) {
        return answer.startsWith("Can't find the target PID");
    }
}
