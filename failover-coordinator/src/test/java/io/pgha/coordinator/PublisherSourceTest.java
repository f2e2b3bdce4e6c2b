package io.pgha.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.events.ElectionEvent;
import io.pgha.events.TopologyEvent;
import io.pgha.local.PublisherSources;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What this service publishes carries a CloudEvent source of the kind its consumers accept ({@link PublisherSources}). */
class PublisherSourceTest {
    @Test
    void everyTypeThisServicePublishesIsOfItsOwnProducerKind() {
        assertThat(PublisherSources.problems(
                        Path.of("src/main/resources/application.properties"),
                        "failover-coordinator",
                        List.of(ElectionEvent.class, TopologyEvent.class)))
                .isEmpty();
    }
}
