package io.pgha.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/** {@code pghactl report}'s zip: every secret redacted, everything else kept. */
class ReportRedactionTest {
    private static final String TOKEN = "tok-3f9a1c77e2";

    @Test
    void theZipHoldsNoSecretAndKeepsWhatIsNeeded() throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put(
                "cluster.json",
                """
                {"cluster":"pgha","members":[{"name":"pg-0","conn_url":"postgres://replicator:s3cr3t-pw@10.0.0.1:5432/postgres",
                 "api_url":"http://10.0.0.1:8008/patroni"}]}""");
        entries.put(
                "config.json",
                """
                {"ttl":30,"postgresql":{"parameters":{"max_connections":100},
                 "authentication":{"superuser":{"username":"postgres","password":"su-pw-1"}},
                 "pgpass":"/tmp/pgpass"},"api_token":"tok-other-99","token_file":"/etc/pgha/api-token",
                 "s3":{"access_key":"AKIAEXAMPLE","secret_key":"wJalrXUtnFEMI","bucket":"b"}}""");
        entries.put("members/pg-0.patroni.json", "{\"state\":\"running\",\"note\":\"sent with " + TOKEN + "\"}");
        entries.put(
                "logs/node-agent-pg-0.log",
                """
                12:00 INFO starting with primary_conninfo='host=pg-0 user=replicator password=repl-pw-2 sslmode=prefer'
                12:01 DEBUG header Authorization: Bearer abc.def-ghi
                12:02 INFO connected to http://admin:admin-pw-3@127.0.0.1:9000/bucket
                """);
        entries.put("errors.txt", "backups.json: cannot reach backup-service\n");

        Map<String, String> zip = unzip(ReportCommand.zip(entries, List.of(TOKEN)));

        String all = String.join("\n", zip.values());
        assertThat(all)
                .doesNotContain("s3cr3t-pw")
                .doesNotContain("su-pw-1")
                .doesNotContain("tok-other-99")
                .doesNotContain(TOKEN)
                .doesNotContain("AKIAEXAMPLE")
                .doesNotContain("wJalrXUtnFEMI")
                .doesNotContain("repl-pw-2")
                .doesNotContain("abc.def-ghi")
                .doesNotContain("admin-pw-3");
        assertThat(zip.keySet()).containsExactlyElementsOf(entries.keySet());
        assertThat(zip.get("cluster.json"))
                .contains("postgres://replicator:" + Redaction.MASK + "@10.0.0.1:5432/postgres")
                .contains("http://10.0.0.1:8008/patroni");
        assertThat(zip.get("config.json"))
                .contains("\"max_connections\" : 100")
                .contains("\"username\" : \"postgres\"")
                .contains("/etc/pgha/api-token")
                .contains("\"bucket\" : \"b\"");
        assertThat(zip.get("logs/node-agent-pg-0.log"))
                .contains("user=replicator password=" + Redaction.MASK)
                .contains("Bearer " + Redaction.MASK);
        assertThat(zip.get("errors.txt")).isEqualTo(entries.get("errors.txt"));
    }

    @Test
    void aBrokenJsonEntryIsRedactedAsText() {
        assertThat(ReportCommand.redacted("x.json", "{\"password\": \"pw-9999\", oops", List.of()))
                .doesNotContain("pw-9999");
    }

    private static Map<String, String> unzip(byte[] bytes) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                out.put(e.getName(), new String(zip.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
