package io.pgha.alert.delivery;

import static io.pgha.alert.delivery.Notifications.fired;
import static io.pgha.alert.delivery.Notifications.resolved;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox's files, on a real temp folder. */
class OutboxTest {
    private final Receiver am = Receiver.alertmanager(URI.create("http://127.0.0.1:9093"));
    private final Receiver hook = Receiver.webhook(URI.create("http://127.0.0.1:9000/hook"));

    @TempDir
    Path root;

    @Test
    void whatIsWrittenIsLoadedBackPerReceiverOldestFirst() {
        Outbox outbox = Outbox.open(root);
        Notification one = fired(outbox.nextSeq(), "m1");
        Notification two = resolved(outbox.nextSeq(), "m1");
        outbox.write(am, two);
        outbox.write(am, one);
        outbox.write(hook, one);
        assertThat(Outbox.open(root).load(am)).containsExactly(one, two);
        assertThat(Outbox.open(root).load(hook)).containsExactly(one);
    }

    @Test
    void aReopenedOutboxNumbersAfterEveryPendingNotification() {
        Outbox outbox = Outbox.open(root);
        outbox.write(hook, fired(41, "m1"));
        outbox.write(am, fired(7, "m2"));
        assertThat(Outbox.open(root).nextSeq()).isEqualTo(42);
    }

    @Test
    void deleteRemovesTheFileAndLeftoversAreCleanedOnLoad() throws Exception {
        Outbox outbox = Outbox.open(root);
        Notification one = fired(1, "m1");
        outbox.write(am, one);
        Path dir = outbox.dir(am);
        Files.writeString(dir.resolve("0000000000000000009-x.json.tmp"), "{\"half");
        Files.writeString(dir.resolve("0000000000000000010-y.json"), "not json");
        outbox.delete(am, one);
        outbox.delete(am, one); // twice is fine
        assertThat(Outbox.open(root).load(am)).isEmpty();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactly("0000000000000000010-y.json.unreadable");
        }
    }

    @Test
    void receiversHaveStableDistinctFolders() {
        assertThat(am.key())
                .startsWith("alertmanager-")
                .isEqualTo(Receiver.alertmanager(URI.create("http://127.0.0.1:9093"))
                        .key());
        assertThat(hook.key()).startsWith("webhook-").isNotEqualTo(am.key());
        assertThat(am.target()).isEqualTo(URI.create("http://127.0.0.1:9093/api/v2/alerts"));
        assertThat(Receiver.alertmanager(URI.create("http://am:9093/prefix/")).target())
                .isEqualTo(URI.create("http://am:9093/prefix/api/v2/alerts"));
        assertThat(Receiver.webhook(URI.create("http://u:secret@h/x")).shown()).isEqualTo("http://h/x");
    }
}
