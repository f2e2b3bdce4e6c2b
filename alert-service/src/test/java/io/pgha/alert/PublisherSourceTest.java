package io.pgha.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.events.AlertEvent;
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
                        "alert-service",
                        List.of(AlertEvent.class)))
                .isEmpty();
    }
}
