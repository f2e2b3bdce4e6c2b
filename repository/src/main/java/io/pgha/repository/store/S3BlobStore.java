package io.pgha.repository.store;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Objects in an S3 bucket (AWS S3 or any S3-compatible server: MinIO, Ceph RGW, s3proxy), under an
 * optional key prefix, through the AWS SDK v2 with the JDK's URLConnection HTTP client.
 *
 * <p>The bucket is created on first use when missing (not when the store is opened: an unreachable
 * server must not stop a node-agent from starting; archiving then fails loudly and catches up).
 *
 * <p><b>createIfAbsent.</b> A HEAD first (an existing object is never uploaded again), then a
 * conditional {@code PutObject} with {@code If-None-Match: *}: AWS S3 (since 2024) and recent MinIO
 * refuse it with 412 when the key exists, so of two concurrent writers exactly one wins. Some
 * S3-compatible servers ignore the header (s3proxy 2.6 with the filesystem provider does, checked):
 * there the check is HEAD-then-PUT, and two writers that both pass the HEAD within the same few
 * milliseconds both write, the later one winning. pgha accepts that narrow race: only the primary
 * archives a WAL name, so two writers of one name exist only in a split brain, and even then the
 * loser of the race is told ALREADY_ARCHIVED only if its content is the same (WalArchive compares
 * the stored header after a refused create).
 *
 * <p>Every failure is an IOException that names the endpoint, bucket, operation and key.
 */
public final class S3BlobStore implements BlobStore {
    /** Resolved, validated settings (secrets included: never log this record). */
    public record Settings(
            Optional<URI> endpoint,
            String bucket,
            String region,
            String prefix,
            boolean pathStyle,
            String accessKey,
            String secretKey) {
        public Settings {
            Keys.checkPrefix(prefix);
        }

        @Override
        public String toString() {
            return "S3 bucket " + bucket + (prefix.isEmpty() ? "" : " prefix " + prefix) + " at "
                    + endpoint.map(URI::toString).orElse("AWS region " + region);
        }
    }

    private static final int MAX_CONFLICT_RETRIES = 3;

    /** S3's own maximum page of a listing. */
    private static final int LIST_PAGE = 1000;

    private final S3Client client;
    private final Settings settings;
    private final int listPage;
    private volatile boolean bucketChecked;

    private S3BlobStore(S3Client client, Settings settings, int listPage) {
        this.client = client;
        this.settings = settings;
        this.listPage = listPage;
    }

    /** A store for the settings; does not contact the server yet. */
    public static S3BlobStore open(Settings settings) {
        return open(settings, LIST_PAGE);
    }

    /** Like {@link #open(Settings)}, listing {@code listPage} keys per request (tests use small pages). */
    public static S3BlobStore open(Settings settings, int listPage) {
        if (listPage < 1 || listPage > LIST_PAGE) {
            throw new IllegalArgumentException("a listing page holds 1 to " + LIST_PAGE + " keys, not " + listPage);
        }
        S3ClientBuilder builder = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(60))
                        .build())
                .region(Region.of(settings.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKey(), settings.secretKey())))
                .forcePathStyle(settings.pathStyle())
                // objects carry their own SHA-256; S3-compatible servers often reject the SDK's trailing checksums
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        settings.endpoint().ifPresent(builder::endpointOverride);
        return new S3BlobStore(builder.build(), settings, listPage);
    }

    @Override
    public boolean createIfAbsent(String key, Path source) throws IOException {
        String full = full(key);
        if (exists(full)) {
            return false;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                client.putObject(
                        PutObjectRequest.builder()
                                .bucket(settings.bucket())
                                .key(full)
                                .ifNoneMatch("*")
                                .build(),
                        RequestBody.fromFile(source));
                return true;
            } catch (S3Exception e) {
                if (e.statusCode() == 412) {
                    return false; // another writer created it first
                }
                if (e.statusCode() != 409 || attempt == MAX_CONFLICT_RETRIES) {
                    throw failure("create", key, e);
                }
                // 409 ConditionalRequestConflict: a concurrent conditional write of the key; ask again
            } catch (SdkException e) {
                throw failure("create", key, e);
            }
        }
    }

    @Override
    public void put(String key, Path source) throws IOException {
        String full = full(key);
        try {
            client.putObject(
                    PutObjectRequest.builder()
                            .bucket(settings.bucket())
                            .key(full)
                            .build(),
                    RequestBody.fromFile(source));
        } catch (SdkException e) {
            throw failure("put", key, e);
        }
    }

    @Override
    public void putBytes(String key, byte[] bytes) throws IOException {
        String full = full(key);
        try {
            client.putObject(
                    PutObjectRequest.builder()
                            .bucket(settings.bucket())
                            .key(full)
                            .build(),
                    RequestBody.fromBytes(bytes));
        } catch (SdkException e) {
            throw failure("put", key, e);
        }
    }

    @Override
    public Optional<InputStream> open(String key) throws IOException {
        String full = full(key);
        try {
            return Optional.of(client.getObject(GetObjectRequest.builder()
                    .bucket(settings.bucket())
                    .key(full)
                    .build()));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("get", key, e);
        } catch (SdkException e) {
            throw failure("get", key, e);
        }
    }

    @Override
    public Optional<byte[]> head(String key, int length) throws IOException {
        if (length < 1) {
            throw new IllegalArgumentException("head of at least one byte, not " + length);
        }
        String full = full(key);
        try (ResponseInputStream<GetObjectResponse> in = client.getObject(GetObjectRequest.builder()
                .bucket(settings.bucket())
                .key(full)
                .range("bytes=0-" + (length - 1))
                .build())) {
            return Optional.of(in.readNBytes(length));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            if (e.statusCode() == 416) {
                return Optional.of(new byte[0]); // an empty object has no byte 0
            }
            throw failure("get the start of", key, e);
        } catch (SdkException e) {
            throw failure("get the start of", key, e);
        }
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        Keys.checkPrefix(prefix);
        String root = settings.prefix();
        ensureBucket();
        List<String> keys = new ArrayList<>();
        try {
            for (S3Object object : client.listObjectsV2Paginator(ListObjectsV2Request.builder()
                            .bucket(settings.bucket())
                            .prefix(root + prefix)
                            .maxKeys(listPage)
                            .build())
                    .contents()) {
                String key = object.key().substring(root.length());
                if (isKey(key)) {
                    keys.add(key); // an object that some other tool put under an odd name is not ours
                }
            }
        } catch (SdkException e) {
            throw failure("list", prefix.isEmpty() ? "(everything)" : prefix, e);
        }
        keys.sort(null);
        return keys;
    }

    @Override
    public void delete(String key) throws IOException {
        String full = full(key);
        try {
            client.deleteObject(b -> b.bucket(settings.bucket()).key(full));
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw failure("delete", key, e);
            }
        } catch (SdkException e) {
            throw failure("delete", key, e);
        }
    }

    @Override
    public String describe() {
        return settings.toString();
    }

    @Override
    public void close() {
        client.close();
    }

    private boolean exists(String full) throws IOException {
        try {
            client.headObject(b -> b.bucket(settings.bucket()).key(full));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw failure("head", full.substring(settings.prefix().length()), e);
        } catch (SdkException e) {
            throw failure("head", full.substring(settings.prefix().length()), e);
        }
    }

    /** The bucket's key of a repository key; makes sure the bucket exists (once per store). */
    private String full(String key) throws IOException {
        String full = settings.prefix() + Keys.check(key);
        ensureBucket();
        return full;
    }

    private void ensureBucket() throws IOException {
        if (bucketChecked) {
            return;
        }
        synchronized (this) {
            if (bucketChecked) {
                return;
            }
            try {
                client.headBucket(b -> b.bucket(settings.bucket()));
            } catch (S3Exception e) {
                if (e.statusCode() != 404) {
                    throw failure("check the bucket", "", e);
                }
                createBucket();
            } catch (SdkException e) {
                throw failure("check the bucket", "", e);
            }
            bucketChecked = true;
        }
    }

    private void createBucket() throws IOException {
        try {
            client.createBucket(b -> b.bucket(settings.bucket()));
        } catch (S3Exception e) {
            String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
            if (!"BucketAlreadyOwnedByYou".equals(code) && !"BucketAlreadyExists".equals(code)) {
                throw failure("create the missing bucket", "", e);
            }
        } catch (SdkException e) {
            throw failure("create the missing bucket", "", e);
        }
    }

    private static boolean isKey(String key) {
        try {
            Keys.check(key);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private IOException failure(String operation, String key, SdkException e) {
        String what = operation + (key.isEmpty() ? "" : " " + key) + " in " + settings;
        String reason;
        if (e instanceof S3Exception s3) {
            String code =
                    s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            reason = "HTTP " + s3.statusCode() + (code == null ? "" : " " + code)
                    + switch (s3.statusCode()) {
                        case 401, 403 -> ": the access key or secret (pgha.repository.s3.access-key, secret-key) is"
                                + " wrong or lacks permission on the bucket";
                        case 503 -> ": the server is overloaded or unavailable; pgha retries";
                        default -> "";
                    };
        } else if (e instanceof SdkClientException) {
            reason = "cannot reach the S3 server (" + rootMessage(e)
                    + "): check pgha.repository.s3.endpoint and that the server is up";
        } else {
            reason = rootMessage(e);
        }
        return new IOException("S3 repository: could not " + what + ": " + reason, e);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
