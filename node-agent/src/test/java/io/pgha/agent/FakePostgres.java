package io.pgha.agent;

import io.pgha.agent.pg.PgState;
import io.pgha.agent.pg.PostgresControl;
import io.pgha.agent.pg.Upstream;
import io.pgha.events.Lsn;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/** An in-memory PostgreSQL: a primary streaming to {@code standbys}, recording what was done to it. */
final class FakePostgres implements PostgresControl {
    final List<String> calls = new CopyOnWriteArrayList<>();
    /** The slot names of each {@link #ensureSlots} call. */
    final List<List<String>> slotsEnsured = new CopyOnWriteArrayList<>();

    volatile boolean running = true;
    volatile boolean standby;
    volatile List<String> standbys = List.of();
    volatile Supplier<Optional<Lsn>> candidateReceived = Optional::empty;
    volatile Lsn checkpoint = Lsn.parse("0/5000028");
    /** What the control file says after a fast shutdown was requested: by default its shutdown checkpoint. */
    volatile Supplier<Optional<Lsn>> shutdownWritten = () -> Optional.of(checkpoint);
    /** Runs after each start, on the starting thread. */
    volatile Runnable onStart = () -> {};
    /** A standby's pg_stat_wal_receiver status (null: no WAL receiver) and last received position. */
    volatile Supplier<String> walReceiver = () -> null;

    volatile Lsn received;

    @Override
    public boolean initialized() {
        return true;
    }

    @Override
    public boolean lastRanAsPrimary() {
        return !standby;
    }

    @Override
    public void initdb() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void configure(boolean asStandby, Optional<Upstream> upstream) {
        calls.add("configure "
                + (asStandby ? "standby of " + upstream.map(Upstream::member).orElse("none") : "primary"));
        standby = asStandby;
    }

    @Override
    public void start() {
        calls.add("start");
        running = true;
        onStart.run();
    }

    @Override
    public boolean running() {
        return running;
    }

    @Override
    public void onPostmasterExit(Runnable listener) {}

    @Override
    public void stop() {
        stop(Duration.ofSeconds(60));
    }

    @Override
    public void stop(Duration fastTimeout) {
        calls.add("stop");
        running = false;
    }

    @Override
    public void stopLeftover() {}

    @Override
    public PgState probe() {
        List<PgState.Replica> rows = standbys.stream()
                .map(s -> new PgState.Replica("replicator", s, "127.0.0.1", "streaming", "async", 0))
                .toList();
        return new PgState(
                running,
                running,
                standby,
                1,
                standby ? null : io.pgha.events.Lsn.parse("0/5000000"),
                standby ? received : null,
                null,
                standby ? walReceiver.get() : null,
                null,
                0,
                150004,
                "7",
                null,
                false,
                null,
                "",
                false,
                running && !standby ? rows : List.of());
    }

    @Override
    public void promote() {
        calls.add("promote");
        standby = false;
    }

    @Override
    public void reload() {
        calls.add("reload");
    }

    @Override
    public void createRoles() {}

    @Override
    public void ensureSlots(Collection<String> slotNames) {
        slotsEnsured.add(List.copyOf(slotNames));
    }

    @Override
    public void ensureSlotOn(Upstream upstream, String slot) {}

    @Override
    public List<io.pgha.agent.decide.PermanentSlots.Seen> slots() {
        return List.of();
    }

    @Override
    public List<io.pgha.agent.decide.PermanentSlots.Seen> slotsOn(Upstream upstream, Collection<String> names) {
        return List.of();
    }

    @Override
    public java.util.Map<String, byte[]> slotStatesOn(Upstream upstream, Collection<String> names) {
        return java.util.Map.of();
    }

    @Override
    public void writeSlotStates(java.util.Map<String, byte[]> states) {}

    @Override
    public void createLogicalSlot(String name, String database, String plugin) {}

    @Override
    public void advanceSlot(String name, String database, io.pgha.events.Lsn lsn) {}

    @Override
    public java.util.Set<String> dropInactiveSlots(Collection<String> slotNames) {
        return java.util.Set.of();
    }

    @Override
    public void wipe() {
        calls.add("wipe");
    }

    @Override
    public void basebackup(Upstream upstream, String slot) {
        calls.add("basebackup");
    }

    @Override
    public boolean rewind(Upstream upstream) {
        calls.add("rewind");
        return true;
    }

    @Override
    public void prepareSynchronousStandbyNames(String value) {}

    @Override
    public void applySynchronousStandbyNames(String value) {}

    @Override
    public void checkpoint() {
        onCheckpoint.run();
        calls.add("checkpoint");
    }

    /** Runs at the start of each {@link #checkpoint()}. */
    volatile Runnable onCheckpoint = () -> {};

    /** Runs when a {@link #receivePoll} logs in ahead of its polls ({@code ReceivePoll.open}). */
    volatile Runnable onLogin = () -> {};

    @Override
    public Lsn latestCheckpoint() {
        return checkpoint;
    }

    @Override
    public void requestFastShutdown() {
        calls.add("fast shutdown");
    }

    @Override
    public Optional<Lsn> shutdownCheckpoint() {
        return shutdownWritten.get();
    }

    @Override
    public Optional<Lsn> receivedOn(Upstream standby) {
        return candidateReceived.get();
    }

    /** What {@link #receivePoll} did: "open <member>", "login", "poll", "close". */
    final List<String> receivePollCalls = new CopyOnWriteArrayList<>();

    @Override
    public ReceivePoll receivePoll(Upstream standby) {
        receivePollCalls.add("open " + standby.member());
        return new ReceivePoll() {
            @Override
            public void open() {
                onLogin.run();
                receivePollCalls.add("login");
            }

            @Override
            public Optional<Lsn> received() {
                receivePollCalls.add("poll");
                return candidateReceived.get();
            }

            @Override
            public void close() {
                receivePollCalls.add("close");
            }
        };
    }

    @Override
    public String timelineHistory(Upstream upstream, long timeline) {
        throw new IllegalStateException("no timeline history in the fake");
    }

    @Override
    public io.pgha.agent.decide.TimelineFork.ReplayPoint replayPoint() {
        throw new IllegalStateException("no replay point in the fake");
    }

    @Override
    public String systemIdentifier() {
        return "7";
    }
}
