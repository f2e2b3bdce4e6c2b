package io.pgha.core.store;

import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How a service proves itself to etcd and checks etcd's identity: a group inside each service's {@code
 * pgha.*} mapping, mounted as {@code etcd} (so every service reads the same {@code pgha.etcd.tls.*},
 * {@code pgha.etcd.user} and {@code pgha.etcd.password-file}). {@link EtcdAccess#of} checks it at start.
 * The password is read from {@code pgha.etcd.password-file} or the environment variable {@code
 * PGHA_ETCD_PASSWORD}, never from a property (so never from the command line).
 */
public interface EtcdSecurityConfig {
    /** PEM file of the CA that signed etcd's server certificates; required with {@code https://} endpoints. */
    @WithName("tls.ca-file")
    Optional<Path> caFile();

    /** PEM file of this service's client certificate (etcd's {@code --client-cert-auth}); with the key file. */
    @WithName("tls.cert-file")
    Optional<Path> certFile();

    /** PEM file (PKCS#8) of the client certificate's private key, readable by this service only. */
    @WithName("tls.key-file")
    Optional<Path> keyFile();

    /** etcd user (etcd auth with user and password); none: the client certificate's common name, or no auth. */
    Optional<String> user();

    /** A file whose first line is the etcd user's password (or set PGHA_ETCD_PASSWORD); re-read on reconnect. */
    @WithName("password-file")
    Optional<Path> passwordFile();
}
