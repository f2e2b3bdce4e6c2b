package io.pgha.repository;

import io.pgha.repository.store.BlobStore;
import io.pgha.repository.store.Keys;
import io.pgha.repository.store.S3BlobStore;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Opens the S3 store from its settings; every bad setting is an IllegalArgumentException naming the property. */
final class S3Stores {
    /** Environment variable with the access key id, when {@code pgha.repository.s3.access-key} is not set. */
    static final String ACCESS_KEY_ENV = "PGHA_REPOSITORY_S3_ACCESS_KEY";
    /** Environment variable with the secret, when neither secret-key nor secret-key-file is set. */
    static final String SECRET_KEY_ENV = "PGHA_REPOSITORY_S3_SECRET_KEY";

    private static final String P = "pgha.repository.s3.";
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    private S3Stores() {}

    static BlobStore open(RepositoryConfig.S3 config) {
        return S3BlobStore.open(settings(config, System.getenv()));
    }

    /** The validated settings, with the credentials resolved from the config, {@code env} or the secret file. */
    static S3BlobStore.Settings settings(RepositoryConfig.S3 config, Map<String, String> env) {
        String bucket = config.bucket()
                .map(String::trim)
                .filter(b -> !b.isEmpty())
                .orElseThrow(() -> new IllegalArgumentException(
                        P + "bucket is required when pgha.repository.type=s3 (the bucket's name; it is created"
                                + " when missing)"));
        if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            throw new IllegalArgumentException(P + "bucket='" + shown(bucket)
                    + "' is not a bucket name (3-63 of lower-case letters, digits, '.', '-', starting and"
                    + " ending with a letter or digit)");
        }
        Optional<URI> endpoint =
                config.endpoint().map(String::trim).filter(e -> !e.isEmpty()).map(S3Stores::endpoint);
        String region = config.region().trim();
        if (!region.matches("[a-z0-9-]{1,40}")) {
            throw new IllegalArgumentException(
                    P + "region='" + shown(region) + "' is not a region name like us-east-1");
        }
        String prefix = prefix(config.prefix().orElse(""));
        String accessKey = config.accessKey()
                .or(() -> Optional.ofNullable(env.get(ACCESS_KEY_ENV)))
                .map(String::trim)
                .filter(k -> !k.isEmpty())
                .orElseThrow(() -> new IllegalArgumentException(P + "access-key (or the environment variable "
                        + ACCESS_KEY_ENV + ") is required when pgha.repository.type=s3"));
        String secretKey = secret(config, env);
        return new S3BlobStore.Settings(endpoint, bucket, region, prefix, config.pathStyle(), accessKey, secretKey);
    }

    private static URI endpoint(String text) {
        try {
            URI uri = new URI(text);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    || uri.getHost() == null
                    || uri.getUserInfo() != null
                    || uri.getQuery() != null) {
                throw new URISyntaxException(text, "not an http(s) URL with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            String value = text.contains("@") ? "(not shown: it holds credentials)" : "'" + shown(text) + "'";
            throw new IllegalArgumentException(P + "endpoint=" + value
                    + " is not a URL like https://s3.eu-west-1.amazonaws.com or http://127.0.0.1:9000"
                    + " (no credentials in it)");
        }
    }

    private static String prefix(String configured) {
        String prefix = configured.trim();
        if (prefix.isEmpty()) {
            return "";
        }
        if (!prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
        try {
            return Keys.checkPrefix(prefix);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(P + "prefix='" + shown(configured)
                    + "' is not a key prefix (letters, digits, '.', '_', '-' separated by '/', e.g. prod/)");
        }
    }

    private static String secret(RepositoryConfig.S3 config, Map<String, String> env) {
        Optional<String> inline = config.secretKey().map(String::trim).filter(s -> !s.isEmpty());
        Optional<Path> file = config.secretKeyFile();
        if (inline.isPresent() && file.isPresent()) {
            throw new IllegalArgumentException(
                    P + "secret-key and " + P + "secret-key-file are both set: keep only one (prefer the file)");
        }
        if (file.isPresent()) {
            try {
                String first = Files.readAllLines(file.get(), StandardCharsets.UTF_8).stream()
                        .findFirst()
                        .orElse("")
                        .trim();
                if (first.isEmpty()) {
                    throw new IllegalArgumentException(
                            P + "secret-key-file=" + file.get() + ": the first line must be the secret access key");
                }
                return first;
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        P + "secret-key-file=" + file.get() + " cannot be read: " + e.getMessage());
            }
        }
        return inline.or(() -> Optional.ofNullable(env.get(SECRET_KEY_ENV))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty()))
                .orElseThrow(() -> new IllegalArgumentException(P + "secret-key-file, " + P
                        + "secret-key or the environment variable " + SECRET_KEY_ENV
                        + " is required when pgha.repository.type=s3"));
    }

    private static String shown(String value) {
        String printable = value.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > 100 ? printable.substring(0, 100) + "…" : printable;
    }
}
