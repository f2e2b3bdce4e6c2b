package io.pgha.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.events.ElectionEvent;
import io.pgha.events.EventSource;
import io.pgha.events.EventType;
import io.pgha.events.PghaEvent;
import io.pgha.events.Producers;
import io.pgha.events.TopologyEvent;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The CloudEvent source this service stamps on what it publishes ({@code /pgha/<service>/<instance>},
 * {@code <service>} from {@code pgha.messaging.service}, by default {@code quarkus.application.name})
 * is of the kind {@link Producers} names for every type it publishes, so consumers accept its events.
 */
class PublisherSourceTest {
    private static final List<Class<? extends PghaEvent>> PUBLISHED = List.of(ElectionEvent.class, TopologyEvent.class);

    @Test
    void everyTypeThisServicePublishesIsOfItsOwnProducerKind() throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        String service = properties.getProperty(
                "pgha.messaging.service", properties.getProperty("quarkus.application.name", "pgha"));
        EventSource source = new EventSource(EventSource.sanitize(service), "any-0");

        assertThat(source.service()).isEqualTo("failover-coordinator");
        List<EventType> types = EventType.ALL.stream()
                .filter(type -> PUBLISHED.stream().anyMatch(p -> p.isAssignableFrom(type.javaType())))
                .toList();
        assertThat(types).isNotEmpty();
        for (EventType type : types) {
            assertThat(Producers.problem(type, source.uri().toString()))
                    .as("%s published as %s", type.ceType(), source.uri())
                    .isEmpty();
        }
    }
}
