package io.pgha.messaging.rest;

/**
 * The bearer token ({@code pgha.api.token} or {@code pgha.api.token-file}) that a service's mutating REST
 * calls must carry. A service turns {@link BearerTokenFilter} on by having one bean of this type.
 */
public interface ApiToken {
    /** The token as it is now (checked at start; a token file is followed: {@code core/SecretSetting#following}). */
    String token();

    /** What the service's mutating calls change, for the reason of a 401: "backups", "the cluster". */
    String changes();
}
