package io.pgha.ctl;

import java.time.Duration;

/**
 * A verb that talks to backup-service, alert-service or Alertmanager; also usable as a subcommand of a
 * verb group ({@code backup list}), where picocli's parent is the group, not {@link Main}.
 */
abstract class ServiceVerb extends Verb {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Override
    public final Integer call() {
        main();
        return run();
    }

    abstract int run();

    /** A call to {@code service} for {@code cluster}. */
    Api.Answer call(ServiceUrls.Service service, String cluster, String method, String path, String body) {
        return api().service(service(service, cluster), method, path, body, TIMEOUT);
    }

    /** The answer, or a failure naming the service, the call and its reason. */
    static Api.Answer required(Api.Answer answer, String what) {
        if (!answer.ok()) {
            throw CtlException.failed(
                    "could not " + what + ": " + answer.status() + " from " + answer.uri() + ": " + answer.reason());
        }
        return answer;
    }
}
