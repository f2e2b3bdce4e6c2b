package io.pgha.messaging;

import io.pgha.events.PghaEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/** A consumer of pgha.alerts as a service would write one; it remembers what it was handed. */
@ApplicationScoped
public class RecordingConsumer {
    private final List<PghaEvent> handled = new CopyOnWriteArrayList<>();

    @Inject
    IncomingEvents incoming;

    @Incoming("test-alerts")
    public CompletionStage<Void> consume(Message<byte[]> record) {
        return incoming.handle(record, handled::add);
    }

    /** What was handed over so far (a method: fields of a client proxy are not the bean's). */
    public List<PghaEvent> handled() {
        return List.copyOf(handled);
    }
}
