package io.pgha.core.store;

import io.pgha.core.SecretSetting;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a service needs to reach etcd: its client URLs, the TLS files (the CA that signed etcd's
 * server certificates; this service's client certificate and key for {@code --client-cert-auth}) and the
 * etcd user whose password is read from a file or the environment. One record for every service; {@link
 * #of} checks the settings at start and says which property is wrong and what to do.
 *
 * <p>The password is not kept here: {@link #password()} reads the file (or the environment) each time a
 * client is built, so a rotated password file takes effect at the next reconnect.
 */
public record EtcdAccess(
        List<String> endpoints,
        Optional<Tls> tls,
        Optional<String> user,
        Optional<Path> passwordFile,
        Optional<String> passwordFromEnvironment) {

    /** The environment variable that may carry the etcd user's password. */
    public static final String PASSWORD_ENV = "PGHA_ETCD_PASSWORD";

    /** The property names, as services read them. */
    public static final String ENDPOINTS = "pgha.etcd.endpoints";

    public static final String CA_FILE = "pgha.etcd.tls.ca-file";
    public static final String CERT_FILE = "pgha.etcd.tls.cert-file";
    public static final String KEY_FILE = "pgha.etcd.tls.key-file";
    public static final String USER = "pgha.etcd.user";
    public static final String PASSWORD_FILE = "pgha.etcd.password-file";

    /** TLS to etcd: the CA to trust and, for client-certificate authentication, this service's cert and key. */
    public record Tls(Path caFile, Optional<Path> certFile, Optional<Path> keyFile) {}

    public EtcdAccess {
        endpoints = List.copyOf(endpoints);
    }

    /** Plain {@code http://} access with no credentials (tests, and clusters without TLS). */
    public static EtcdAccess plain(List<String> endpoints) {
        return new EtcdAccess(endpoints, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** {@link #of(List, Optional, Optional, Optional, Optional, Optional, Map)} over a service's config group. */
    public static EtcdAccess of(List<String> endpoints, EtcdSecurityConfig security, Map<String, String> environment) {
        return of(
                endpoints,
                security.caFile(),
                security.certFile(),
                security.keyFile(),
                security.user(),
                security.passwordFile(),
                environment);
    }

    /**
     * The checked settings, or an {@link IllegalArgumentException} whose message names the property and
     * what to do: https endpoints need a CA file; TLS files need https endpoints; a certificate needs its
     * key (and the other way round); every file must be readable; a user needs a password (file or {@value
     * #PASSWORD_ENV}) and a password needs a user; a password is never sent over plain http.
     */
    public static EtcdAccess of(
            List<String> endpoints,
            Optional<Path> caFile,
            Optional<Path> certFile,
            Optional<Path> keyFile,
            Optional<String> user,
            Optional<Path> passwordFile,
            Map<String, String> environment) {
        boolean https = scheme(endpoints);
        if (https && caFile.isEmpty()) {
            throw invalid(
                    CA_FILE,
                    "the etcd endpoints are https:// but no CA is given: set it to the PEM file of the CA that"
                            + " signed etcd's server certificates");
        }
        if (!https) {
            for (var setting :
                    List.of(Map.entry(CA_FILE, caFile), Map.entry(CERT_FILE, certFile), Map.entry(KEY_FILE, keyFile))) {
                if (setting.getValue().isPresent()) {
                    throw invalid(
                            setting.getKey(),
                            "TLS files are set but " + ENDPOINTS
                                    + " are http://: use https:// endpoints, or remove it");
                }
            }
        }
        if (certFile.isPresent() != keyFile.isPresent()) {
            throw invalid(
                    certFile.isPresent() ? KEY_FILE : CERT_FILE,
                    "a client certificate needs its private key: set both " + CERT_FILE + " and " + KEY_FILE
                            + ", or neither");
        }
        readable(CA_FILE, caFile);
        readable(CERT_FILE, certFile);
        readable(KEY_FILE, keyFile);
        Optional<String> fromEnv =
                Optional.ofNullable(environment.get(PASSWORD_ENV)).filter(p -> !p.isEmpty());
        if (passwordFile.isPresent() && fromEnv.isPresent()) {
            throw invalid(PASSWORD_FILE, "both it and " + PASSWORD_ENV + " are set: keep one");
        }
        boolean hasPassword = passwordFile.isPresent() || fromEnv.isPresent();
        Optional<String> trimmedUser = user.map(String::strip).filter(u -> !u.isEmpty());
        if (trimmedUser.isPresent() && !hasPassword) {
            throw invalid(
                    USER,
                    "an etcd user needs a password: set " + PASSWORD_FILE + " or the environment variable "
                            + PASSWORD_ENV);
        }
        if (trimmedUser.isEmpty() && hasPassword) {
            throw invalid(USER, "a password is given but no user: set " + USER + " (or remove the password)");
        }
        if (hasPassword && !https) {
            throw invalid(
                    USER, "the password would cross the network in clear: use https:// endpoints with " + CA_FILE);
        }
        readable(PASSWORD_FILE, passwordFile);
        EtcdAccess access = new EtcdAccess(
                endpoints, caFile.map(ca -> new Tls(ca, certFile, keyFile)), trimmedUser, passwordFile, fromEnv);
        if (passwordFile.isPresent() && access.password().orElse("").isEmpty()) {
            throw invalid(PASSWORD_FILE, passwordFile.get() + " is empty: its first line must be the password");
        }
        return access;
    }

    /**
     * The password of {@link #user()}: the first line of the password file (read now), or the environment's.
     *
     * @throws UncheckedIOException when the file cannot be read
     */
    public Optional<String> password() {
        return SecretSetting.resolve("pgha.etcd.password", Optional.empty(), passwordFile)
                .or(() -> passwordFromEnvironment);
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "EtcdAccess[endpoints=" + endpoints + ", tls=" + tls + ", user=" + user.orElse("(none)") + "]";
    }

    /** True when every endpoint is https://, false when every one is http://. */
    private static boolean scheme(List<String> endpoints) {
        if (endpoints.isEmpty()) {
            throw invalid(ENDPOINTS, "give at least one etcd URL");
        }
        List<String> https = new ArrayList<>();
        List<String> http = new ArrayList<>();
        for (String endpoint : endpoints) {
            String e = endpoint.strip().toLowerCase(java.util.Locale.ROOT);
            if (e.startsWith("https://")) {
                https.add(endpoint);
            } else if (e.startsWith("http://")) {
                http.add(endpoint);
            } else {
                throw invalid(ENDPOINTS, "'" + endpoint + "' is not an http:// or https:// URL");
            }
        }
        if (!https.isEmpty() && !http.isEmpty()) {
            throw invalid(ENDPOINTS, "mixes https:// " + https + " and http:// " + http + ": use one scheme for all");
        }
        return !https.isEmpty();
    }

    private static void readable(String property, Optional<Path> file) {
        if (file.isPresent() && !(Files.isRegularFile(file.get()) && Files.isReadable(file.get()))) {
            throw invalid(
                    property,
                    "cannot read " + file.get() + " (missing, not a file, or not readable by this user): fix the path"
                            + " or the file's permissions");
        }
    }

    private static IllegalArgumentException invalid(String property, String what) {
        return new IllegalArgumentException("invalid setting " + property + ": " + what);
    }
}
