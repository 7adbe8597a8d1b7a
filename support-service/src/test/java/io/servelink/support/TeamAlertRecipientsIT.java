package io.servelink.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.teams.TeamChanged;
import io.servelink.contracts.events.teams.TeamMember;
import io.servelink.contracts.events.usage.UsageMetric;
import io.servelink.contracts.events.usage.UsageThresholdCrossed;
import io.servelink.contracts.security.TeamRole;
import io.servelink.infra.test.ServiceIT;
import io.servelink.infra.test.TestInfrastructure;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Usage alerts reach the people who pay: for a team the platform published on the teams topic, its owners and admins
 * (not its members), each in their language, whether or not anyone of the team ever wrote a ticket. The teams topic
 * is followed idempotently (newest version wins, a tombstone removes the team); a removed or never published team
 * falls back to the contacts learned from tickets, or the fallback address.
 */
@ServiceIT
@TestPropertySource(properties = {"servelink.jobs.enabled=false", "servelink.support.notifications.relay-interval=200ms",
        "servelink.support.notifications.fallback-address=fallback@servelink.test"})
class TeamAlertRecipientsIT {

    static final GreenMail SMTP = NotificationsAndLiveUpdatesIT.startSmtp();

    @LocalServerPort
    int port;
    @Autowired
    TestInfrastructure infra;
    SupportApi api;

    @DynamicPropertySource
    static void smtp(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> SMTP.getSmtp().getPort());
    }

    @AfterAll
    static void stopSmtp() {
        SMTP.stop();
    }

    @BeforeEach
    void setUp() {
        api = new SupportApi(port, infra);
    }

    @Test
    void aTeamThatNeverOpenedATicketGetsIts80_95And100PercentAlertsAtItsOwnersAndAdminsInTheirLanguage() throws Exception {
        publishTeam(new TeamChanged("alpine", "Alpine", List.of(
                new TeamMember("olivia@alpine.example", TeamRole.OWNER, "fr"),
                new TeamMember("adam@alpine.example", TeamRole.ADMIN, "en"),
                new TeamMember("mia@alpine.example", TeamRole.MEMBER, "fr")), 1));
        awaitTeamsConsumed();

        alert("alpine", null, 80, 80_000_000_000L);
        alert("alpine", null, 95, 95_000_000_000L);
        alert("alpine", "alpine-web", 100, 100_500_000_000L);

        await().atMost(Duration.ofSeconds(20)).until(() -> mailsTo("olivia@alpine.example").size() == 3
                && mailsTo("adam@alpine.example").size() == 3);
        assertThat(subjects("olivia@alpine.example")).containsExactlyInAnyOrder(
                "Alerte d'utilisation : trafic à 80 % de la limite",
                "Alerte d'utilisation : trafic à 95 % de la limite",
                "Alerte d'utilisation : trafic à 100 % de la limite");
        assertThat(subjects("adam@alpine.example")).containsExactlyInAnyOrder(
                "Usage alert: traffic at 80 % of the limit",
                "Usage alert: traffic at 95 % of the limit",
                "Usage alert: traffic at 100 % of the limit");
        assertThat(bodies("olivia@alpine.example")).anyMatch(body -> body.contains(
                        "L'équipe alpine a utilisé 80 Go de sa limite de trafic de 100 Go en juin 2025 (80 %)."))
                .anyMatch(body -> body.contains("Le projet alpine-web de l'équipe alpine a utilisé 100,5 Go")
                        && body.contains("La limite est atteinte."));
        assertThat(bodies("adam@alpine.example")).anyMatch(body -> body.contains(
                        "Team alpine has used 80 GB of its 100 GB traffic limit in June 2025 (80 %)."))
                .anyMatch(body -> body.contains("Project alpine-web of team alpine has used 100.5 GB")
                        && body.contains("The limit is reached."));
        // every recipient of an alert is queued in the alert's one transaction: the member and the fallback never were
        assertThat(infra.count("SELECT count(*) FROM notifications WHERE recipient = ? OR (recipient = ? AND body LIKE ?)",
                "mia@alpine.example", "fallback@servelink.test", "%alpine%")).isZero();
    }

    @Test
    void theNewestVersionOfATeamDecidesAndATombstoneReturnsItToTheLearnedContacts() throws Exception {
        publishTeam(new TeamChanged("glacier", "Glacier", List.of(new TeamMember("first@glacier.example", TeamRole.OWNER, "en")), 5));
        publishTeam(new TeamChanged("glacier", "Glacier", List.of(new TeamMember("second@glacier.example", TeamRole.OWNER, "en")), 7));
        // the newest read again, and an older version read late, change nothing
        publishTeam(new TeamChanged("glacier", "Glacier", List.of(new TeamMember("second@glacier.example", TeamRole.OWNER, "en")), 7));
        publishTeam(new TeamChanged("glacier", "Glacier", List.of(new TeamMember("stale@glacier.example", TeamRole.OWNER, "en")), 6));
        awaitTeamsConsumed();
        assertThat(infra.query("SELECT email, role, language FROM team_members WHERE team_slug = ?", "glacier"))
                .containsExactly(Map.of("email", "second@glacier.example", "role", "owner", "language", "en"));
        assertThat(infra.count("SELECT version FROM teams WHERE team_slug = ?", "glacier")).isEqualTo(7);

        alert("glacier", null, 80, 8_000_000_000L);
        await().atMost(Duration.ofSeconds(20)).until(() -> mailsTo("second@glacier.example").size() == 1);

        api.remove(infra.topics().teams(), "glacier");
        awaitTeamsConsumed();
        assertThat(infra.count("SELECT count(*) FROM team_members WHERE team_slug = ?", "glacier")).isZero();
        alert("glacier", null, 95, 9_500_000_000L);
        await().atMost(Duration.ofSeconds(20)).until(() -> mailsTo("fallback@servelink.test").stream()
                .anyMatch(mail -> GreenMailUtil.getBody(mail).contains("Team glacier has used")));
        assertThat(mailsTo("second@glacier.example")).hasSize(1);
    }

    private void publishTeam(TeamChanged team) {
        api.publish(infra.topics().teams(), team.teamSlug(), EventEnvelope.of(team, Instant.now()));
    }

    private void alert(String team, String projectId, int threshold, long usageBytes) {
        long limit = team.equals("alpine") ? 100_000_000_000L : 10_000_000_000L;
        api.publish(infra.topics().usageAlerts(), team, EventEnvelope.of(new UsageThresholdCrossed(team, projectId,
                UsageMetric.TRAFFIC, threshold, usageBytes, limit, "2025-06"), Instant.now()));
    }

    /** Waits until support-service's teams consumer has committed (after storing) every record of the teams topic. */
    private void awaitTeamsConsumed() throws Exception {
        String topic = infra.topics().teams();
        String group = infra.topicNamespace() + ".support-service.teams";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka().bootstrapServers()))) {
            Set<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                    .map(info -> new TopicPartition(topic, info.partition())).collect(Collectors.toSet());
            Map<TopicPartition, Long> ends = admin.listOffsets(partitions.stream()
                            .collect(Collectors.toMap(partition -> partition, partition -> OffsetSpec.latest())))
                    .all().get().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, end -> end.getValue().offset()));
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                return ends.entrySet().stream().allMatch(end -> end.getValue() == 0
                        || (committed.get(end.getKey()) != null && committed.get(end.getKey()).offset() >= end.getValue()));
            });
        }
    }

    private static List<String> subjects(String address) {
        return mailsTo(address).stream().map(mail -> {
            try {
                return mail.getSubject();
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    /** The decoded text of each e-mail, as a mail client shows it. */
    private static List<String> bodies(String address) {
        return mailsTo(address).stream().map(mail -> {
            try {
                return mail.getContent().toString();
            } catch (MessagingException | java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    private static List<MimeMessage> mailsTo(String address) {
        return Arrays.stream(SMTP.getReceivedMessages()).filter(mail -> {
            try {
                return Arrays.stream(mail.getRecipients(Message.RecipientType.TO)).anyMatch(to -> to.toString().equals(address));
            } catch (MessagingException e) {
                return false;
            }
        }).toList();
    }
}
