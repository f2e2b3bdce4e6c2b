package io.pgha.local;

import io.pgha.events.EventSource;
import io.pgha.events.EventType;
import io.pgha.events.PghaEvent;
import io.pgha.events.Producers;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A service's check that the CloudEvent source it stamps on what it publishes ({@code
 * /pgha/<service>/<instance>}, {@code <service>} from {@code pgha.messaging.service}, by default {@code
 * quarkus.application.name}) is of the kind {@link Producers} names for every type it publishes, so that
 * consumers accept its events (issue 21). Each publishing service's {@code PublisherSourceTest} calls it.
 */
public final class PublisherSources {
    private PublisherSources() {}

    /**
     * What is wrong (empty: nothing) with the service configured by {@code applicationProperties}, expected
     * to call itself {@code service}, publishing the event types below {@code published}.
     */
    public static List<String> problems(
            Path applicationProperties, String service, List<Class<? extends PghaEvent>> published) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(applicationProperties)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + applicationProperties, e);
        }
        String configured = properties.getProperty(
                "pgha.messaging.service", properties.getProperty("quarkus.application.name", "pgha"));
        EventSource source = new EventSource(EventSource.sanitize(configured), "any-0");
        List<String> problems = new ArrayList<>();
        if (!source.service().equals(service)) {
            problems.add(
                    applicationProperties + " names the service '" + source.service() + "', not '" + service + "'");
        }
        List<EventType> types = EventType.ALL.stream()
                .filter(type -> published.stream().anyMatch(p -> p.isAssignableFrom(type.javaType())))
                .toList();
        if (types.isEmpty()) {
            problems.add("no event type is one of " + published);
        }
        for (EventType type : types) {
            Producers.problem(type, source.uri().toString())
                    .ifPresent(p -> problems.add(type.ceType() + " published as " + source.uri() + ": " + p));
        }
        return problems;
    }
}
