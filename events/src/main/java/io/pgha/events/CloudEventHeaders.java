package io.pgha.events;

/**
 * Kafka header names of a CloudEvent in binary mode (CloudEvents Kafka protocol binding 1.0), as
 * every pgha record carries them. Header values are UTF-8 strings.
 */
public final class CloudEventHeaders {
    /** Always {@value #SPEC_VERSION_VALUE}. */
    public static final String SPEC_VERSION = "ce_specversion";

    public static final String SPEC_VERSION_VALUE = "1.0";
    /** Unique per event (a UUID); a consumer may deduplicate on it. */
    public static final String ID = "ce_id";
    /** {@code /pgha/<service>/<instance>}: who published it. */
    public static final String SOURCE = "ce_source";
    /** {@code io.pgha.<event>.v1}. */
    public static final String TYPE = "ce_type";
    /** {@code <cluster>} or {@code <cluster>/<member>}. */
    public static final String SUBJECT = "ce_subject";
    /** When it happened, RFC 3339. */
    public static final String TIME = "ce_time";
    /** The body's media type (the binding's {@code content-type} header). */
    public static final String CONTENT_TYPE = "content-type";

    public static final String CONTENT_TYPE_VALUE = "application/json";

    private CloudEventHeaders() {}
}
