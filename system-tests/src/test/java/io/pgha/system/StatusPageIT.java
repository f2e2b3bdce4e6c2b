package io.pgha.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.local.Wait;
import io.pgha.local.Workspace;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 20's status page, in a real browser (headless Chromium through the DevTools protocol) against
 * the whole suite as {@code ./pgha up} starts it: the coordinator's page at {@code /} shows the three
 * members and the leader, and follows a switchover live (server-sent events, no reload); its backup
 * section shows the base backup the suite takes at start (from {@code pgha.backup}). A screenshot
 * is saved to {@code target/status-page.png} for the docs.
 */
@Tag("failover")
class StatusPageIT {
    private static final String MEMBER_ROWS = "document.querySelectorAll('#members tbody tr[data-member]').length";
    private static final String LEADER_SHOWN = "document.getElementById('leader').dataset.leader";
    private static final String LAST_BACKUP_SHOWN = "document.getElementById('last-backup').dataset.backup";

    /** The newest complete backup backup-service lists: at this point the one ./pgha up takes at start. */
    private static String newestBackupId(PghaBenchCluster cluster) throws Exception {
        HttpResponse<String> list = cluster.httpClient()
                .send(
                        HttpRequest.newBuilder(cluster.backupServiceUri("/api/v1/clusters/pgha/backups"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        com.fasterxml.jackson.databind.JsonNode backups =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(list.body());
        assertThat(backups.size()).as(list.body()).isGreaterThanOrEqualTo(1);
        return backups.get(backups.size() - 1).path("id").asText();
    }

    @Test
    void thePageShowsTheMembersAndFollowsASwitchoverLive() throws Exception {
        try (Workspace workspace = Workspace.temporary("status-page");
                PghaBenchCluster cluster = new PghaBenchCluster(workspace)) {
            cluster.start();

            assertThat(cluster.coordinatorUri("/").getScheme())
                    .as("the status page is served over https (./pgha up's default)")
                    .isEqualTo("https");
            HttpResponse<String> unknown = cluster.httpClient()
                    .send(
                            HttpRequest.newBuilder(cluster.coordinatorUri("/api/v1/clusters/nosuch/stream"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.body()).contains("no cluster nosuch", "pgha");

            try (HeadlessChromium browser = HeadlessChromium.start(workspace, 1280, 900, cluster.statusPageTrust())) {
                browser.open(cluster.coordinatorUri("/").toString());
                String leader = cluster.leader();
                Wait.until(
                        Duration.ofSeconds(30),
                        "the page shows three members and " + leader + " as the leader, live",
                        () -> "3".equals(browser.evaluate(MEMBER_ROWS))
                                && leader.equals(browser.evaluate(LEADER_SHOWN))
                                && "live"
                                        .equals(browser.evaluate(
                                                "document.getElementById('connection').dataset.state")));
                String frames = browser.evaluate("document.body.dataset.frames");

                String backup = newestBackupId(cluster);
                Wait.until(
                        Duration.ofSeconds(30),
                        "the page's backup section shows the suite's first base backup " + backup,
                        () -> backup.equals(browser.evaluate(LAST_BACKUP_SHOWN))
                                && browser.evaluate("document.getElementById('last-backup').textContent")
                                        .contains(backup + " from pg-"));
                assertThat(browser.evaluate("document.getElementById('no-alerts').hidden ? 'alerts' : 'none'")
                                + " "
                                + browser.evaluate("document.querySelectorAll('#alerts tbody tr').length"))
                        .as("the alerts section is either 'none firing' or a table of alerts")
                        .matches("none 0|alerts [1-9][0-9]*");

                String candidate = cluster.members().stream()
                        .filter(m -> !m.equals(leader))
                        .findFirst()
                        .orElseThrow();
                cluster.switchover(leader, candidate); // answers once clients are routed to the candidate
                Wait.until(
                        Duration.ofSeconds(2),
                        "the page shows " + candidate + " as the leader within 2 s of the switchover's answer",
                        () -> candidate.equals(browser.evaluate(LEADER_SHOWN)));
                assertThat(Integer.parseInt(browser.evaluate("document.body.dataset.frames")))
                        .as("the page was updated by new frames, not reloaded")
                        .isGreaterThan(Integer.parseInt(frames));
                Wait.until(
                        Duration.ofSeconds(10),
                        "the history table names the switchover to " + candidate,
                        () -> browser.evaluate("document.querySelector('#history tbody tr')?.textContent || ''")
                                .contains("to " + candidate));
                Wait.until(
                        Duration.ofSeconds(30),
                        "the page shows " + leader + " back as a streaming replica",
                        () -> "streaming"
                                .equals(browser.evaluate("document.querySelector('#members tr[data-member=\"" + leader
                                        + "\"] td:nth-child(4)')" + "?.textContent")));

                byte[] png = browser.screenshot();
                assertThat(Arrays.copyOf(png, 4)).isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
                Path shot = Path.of("target", "status-page.png");
                Files.createDirectories(shot.getParent());
                Files.write(shot, png);
                System.out.println("status page screenshot: " + shot.toAbsolutePath());
            }
        }
    }
}
