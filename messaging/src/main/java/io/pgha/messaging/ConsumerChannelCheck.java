package io.pgha.messaging;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Stops a service at start when one of its incoming channels on a pgha topic would lose or block
 * on an unparseable record (see {@link ConsumerChannelRules}); the message names every property to set.
 */
@ApplicationScoped
public class ConsumerChannelCheck {
    void onStart(@Observes StartupEvent start) {
        Config config = ConfigProvider.getConfig();
        Map<String, String> incoming = new HashMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(ConsumerChannelRules.PREFIX)) {
                config.getOptionalValue(name, String.class).ifPresent(value -> incoming.put(name, value));
            }
        }
        List<String> problems = ConsumerChannelRules.problems(incoming);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("pgha-messaging: incoming channels on pgha topics must send records they"
                    + " cannot parse to <topic>.dlq and carry on; set in application.properties:\n  "
                    + String.join("\n  ", problems));
        }
    }
}
