package io.pgha.alert.engine;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * At every assignment, places each partition where {@link ReplayStart} says (pgha.topology at its
 * beginning, the others a window back by timestamp, whatever the group committed: it commits
 * nothing) and tells the engine to replay up to the end offsets seen now.
 */
@ApplicationScoped
@Identifier(ReplayListener.NAME)
public class ReplayListener implements KafkaConsumerRebalanceListener {
    /** Named by {@code mp.messaging.incoming.pgha-in.consumer-rebalance-listener.name}. */
    public static final String NAME = "pgha-alert-replay";

    @Inject
    AlertEngine engine;

    @Inject
    AlertSettings settings;

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        Instant now = Instant.now();
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        List<TopicPartition> fromBeginning = new ArrayList<>();
        Map<TopicPartition, Long> byTime = new HashMap<>();
        for (TopicPartition partition : partitions) {
            ReplayStart start =
                    ReplayStart.of(partition.topic(), now, settings.replayWindow(), settings.alertsReplayWindow());
            if (start instanceof ReplayStart.At at) {
                byTime.put(partition, at.time().toEpochMilli());
            } else {
                fromBeginning.add(partition);
            }
        }
        Map<TopicPartition, Long> starts = new HashMap<>();
        if (!fromBeginning.isEmpty()) {
            consumer.seekToBeginning(fromBeginning);
            starts.putAll(consumer.beginningOffsets(fromBeginning));
        }
        if (!byTime.isEmpty()) {
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(byTime);
            for (TopicPartition partition : byTime.keySet()) {
                OffsetAndTimestamp at = found.get(partition);
                long offset = at == null ? ends.get(partition) : at.offset();
                consumer.seek(partition, offset);
                starts.put(partition, offset);
            }
        }
        engine.replayFrom(CatchUp.of(starts, ends), now);
    }
}
