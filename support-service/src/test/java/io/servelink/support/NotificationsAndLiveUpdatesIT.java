package io.servelink.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.payments.PaymentCompleted;
import io.servelink.contracts.events.payments.PaymentFailed;
import io.servelink.contracts.events.payments.PaymentPurpose;
import io.servelink.contracts.events.usage.UsageMetric;
import io.servelink.contracts.events.usage.UsageThresholdCrossed;
import io.servelink.contracts.security.PlatformRole;
import io.servelink.infra.test.ServiceIT;
import io.servelink.infra.test.TestInfrastructure;
import io.servelink.infra.test.TestTokens;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

@ServiceIT
@TestPropertySource(properties = {"servelink.jobs.enabled=false", "servelink.support.notifications.relay-interval=200ms",
        "servelink.support.notifications.fallback-address=fallback@servelink.test", "servelink.support.notifications.support-address=desk@servelink.test"})
class NotificationsAndLiveUpdatesIT {

    static final String AGENT = TestTokens.platform(PlatformRole.SUPPORT_AGENT);
    static final GreenMail SMTP = startSmtp();

    @LocalServerPort
    int port;
    @Autowired
    TestInfrastructure infra;
    SupportApi api;

    static GreenMail startSmtp() {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        ServerSetup setup = new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
        setup.setServerStartupTimeout(10_000);
        GreenMail mail = new GreenMail(setup);
        mail.start();
        return mail;
    }

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
    void mailsTicketCreatedAgentReplyAndResolvedButNeverAnInternalNote() {
        String member = TestTokens.member("mailteam");
        String id = api.createTicket(member, "mailteam", "Cannot log in", "Login loops", "technical");
        api.reply(AGENT, "mailteam", id, "INTERNALSECRET the customer reused a password", true);
        api.reply(AGENT, "mailteam", id, "Please clear your cookies", false);
        api.post(AGENT, """
                {"status": "resolved"}""", "/api/support/agent/tickets/{id}/status", id).expectStatus().isOk();

        String to = "user-member-mailteam@example.test";
        await().atMost(Duration.ofSeconds(15)).until(() -> mailsTo(to).size() == 3);
        List<String> subjects = mailsTo(to).stream().map(NotificationsAndLiveUpdatesIT::subject).toList();
        assertThat(subjects).anyMatch(s -> s.contains("Received: Cannot log in"))
                .anyMatch(s -> s.contains("New reply: Cannot log in"))
                .anyMatch(s -> s.contains("Resolved: Cannot log in"));
        assertThat(mailsTo(to).stream().map(GreenMailUtil::getBody)).anyMatch(body -> body.contains("Please clear your cookies"));
        assertThat(Arrays.stream(SMTP.getReceivedMessages()).map(GreenMailUtil::getWholeMessage))
                .noneMatch(message -> message.contains("INTERNALSECRET"));
    }

    @Test
    void usageAlertAndPaymentEventsMailEachRecipientOnceEvenWhenRedelivered() {
        // the ticket makes the creator's address a contact of the team
        api.createTicket(TestTokens.owner("billing-team"), "billing-team", "Hello", "Just registering", "other");
        String contact = "user-owner-billing-team@example.test";

        EventEnvelope<UsageThresholdCrossed> alert = EventEnvelope.of(new UsageThresholdCrossed("billing-team", null,
                UsageMetric.TRAFFIC, 80, 80_000_000_000L, 100_000_000_000L, "2025-06"), Instant.now());
        api.publish(infra.topics().usageAlerts(), "billing-team", alert);
        api.publish(infra.topics().usageAlerts(), "billing-team", alert);
        EventEnvelope<PaymentCompleted> paid = EventEnvelope.of(new PaymentCompleted("pay-1", "billing-team",
                PaymentPurpose.PLAN_UPGRADE, "plan:pro", 900, "EUR", "card", Instant.now()), Instant.now());
        api.publish(infra.topics().payments(), "billing-team", paid);
        api.publish(infra.topics().payments(), "billing-team", paid);
        // a later event on the same partitions proves the duplicates were consumed before we count
        api.publish(infra.topics().usageAlerts(), "billing-team", EventEnvelope.of(new UsageThresholdCrossed("billing-team",
                null, UsageMetric.TRAFFIC, 95, 95_000_000_000L, 100_000_000_000L, "2025-06"), Instant.now()));
        api.publish(infra.topics().payments(), "billing-team", EventEnvelope.of(new PaymentFailed("pay-2", "billing-team",
                PaymentPurpose.ADDON, "addon:ram", 100, "EUR", "declined", Instant.now()), Instant.now()));

        // the later events' e-mails exist once the duplicates before them were consumed: every e-mail queued is then sent
        await().atMost(Duration.ofSeconds(20)).until(() -> mailsTo(contact).size() >= 4 && unsentTo(contact) == 0
                && mailsTo(contact).size() == queuedFor(contact));
        assertThat(queuedFor(contact)).isEqualTo(5);
        List<String> subjects = mailsTo(contact).stream().map(NotificationsAndLiveUpdatesIT::subject).toList();
        assertThat(subjects.stream().filter(s -> s.contains("80 %"))).hasSize(1);
        assertThat(subjects.stream().filter(s -> s.contains("95 %"))).hasSize(1);
        assertThat(subjects.stream().filter(s -> s.equals("Payment received: 9.00 EUR"))).hasSize(1);
        assertThat(subjects.stream().filter(s -> s.equals("Payment failed: 1.00 EUR"))).hasSize(1);

        // a team support-service knows no contact of: the configured fallback address
        api.publish(infra.topics().payments(), "unknown-team", EventEnvelope.of(new PaymentCompleted("pay-3", "unknown-team",
                PaymentPurpose.RENEWAL, "plan:pro", 900, "EUR", "card", Instant.now()), Instant.now()));
        await().atMost(Duration.ofSeconds(20)).until(() -> mailsTo("fallback@servelink.test").stream()
                .anyMatch(m -> GreenMailUtil.getBody(m).contains("pay-3")));
    }

    @Test
    void theSharedEventRetentionJobRunsHereToo() {
        api.post(TestTokens.platform(PlatformRole.OPERATOR), "{}", "/api/support/admin/jobs/event-retention").expectStatus().isOk()
                .expectBody().jsonPath("$.job").isEqualTo("event-retention")
                .jsonPath("$.result.figures.outbox_rows_deleted").isEqualTo(0);
    }

    @Test
    void slaBreachJobEscalatesOnceAndNotifiesTheSupportDesk() throws Exception {
        String member = TestTokens.member("sla-team");
        String id = api.createTicket(member, "sla-team", "Nobody answers", "Waiting", "technical");
        try (Connection connection = infra.openConnection()) {
            connection.createStatement().executeUpdate("UPDATE tickets SET first_response_due_at = now() - interval '1 minute' "
                    + "WHERE id = '" + id + "'");
        }
        String operator = TestTokens.platform(PlatformRole.OPERATOR);
        api.post(member, "{}", "/api/support/admin/jobs/sla-breaches").expectStatus().isForbidden();
        api.post(operator, "{}", "/api/support/admin/jobs/sla-breaches").expectStatus().isOk().expectBody()
                .jsonPath("$.ran").isEqualTo(true)
                .jsonPath("$.result.figures.first_response_breaches").isEqualTo(1)
                .jsonPath("$.result.figures.resolution_breaches").isEqualTo(0);
        api.get(AGENT, "/api/support/agent/tickets/{id}", id).expectStatus().isOk().expectBody()
                .jsonPath("$.priority").isEqualTo("high")
                .jsonPath("$.first_response_breached_at").isNotEmpty();

        api.post(operator, "{}", "/api/support/admin/jobs/sla-breaches").expectStatus().isOk().expectBody()
                .jsonPath("$.ran").isEqualTo(true)
                .jsonPath("$.result.figures.first_response_breaches").isEqualTo(0);
        api.get(AGENT, "/api/support/agent/tickets/{id}", id).expectStatus().isOk().expectBody()
                .jsonPath("$.priority").isEqualTo("high");

        await().atMost(Duration.ofSeconds(15)).until(() -> unsentTo("desk@servelink.test") == 0
                && mailsTo("desk@servelink.test").size() == queuedFor("desk@servelink.test"));
        assertThat(mailsTo("desk@servelink.test")).hasSize(1);
        assertThat(subject(mailsTo("desk@servelink.test").getFirst())).isEqualTo("SLA breach (first response): Nobody answers");
    }

    @Test
    void liveStreamCarriesMessagesAndStatusChangesButInternalNotesOnlyToAgents() {
        String member = TestTokens.member("live");
        String id = api.createTicket(member, "live", "Live ticket", "Watching", "technical");
        List<ServerSentEvent<Map<String, Object>>> agentSeen = new CopyOnWriteArrayList<>();
        Disposable agentStream = stream(AGENT, id).subscribe(agentSeen::add);
        await().atMost(Duration.ofSeconds(10)).until(() -> !agentSeen.isEmpty());

        StepVerifier.create(stream(member, id))
                .assertNext(e -> {
                    assertThat(e.event()).isEqualTo("snapshot");
                    assertThat(e.data().get("status")).isEqualTo("open");
                })
                .then(() -> {
                    api.reply(AGENT, "live", id, "STREAMSECRET internal only", true);
                    api.reply(AGENT, "live", id, "Public answer", false);
                })
                .assertNext(e -> {
                    assertThat(e.event()).isEqualTo("message");
                    assertThat(e.data().get("body")).isEqualTo("Public answer");
                })
                .assertNext(e -> {
                    assertThat(e.event()).isEqualTo("status");
                    assertThat(e.data().get("status")).isEqualTo("waiting");
                })
                .then(() -> api.post(AGENT, """
                        {"status": "resolved"}""", "/api/support/agent/tickets/{id}/status", id).expectStatus().isOk())
                .assertNext(e -> {
                    assertThat(e.event()).isEqualTo("status");
                    assertThat(e.data().get("status")).isEqualTo("resolved");
                })
                .thenCancel()
                .verify(Duration.ofSeconds(20));

        await().atMost(Duration.ofSeconds(10)).until(() -> agentSeen.size() >= 5);
        agentStream.dispose();
        assertThat(agentSeen).extracting(ServerSentEvent::event).startsWith("snapshot", "message", "message", "status", "status");
        assertThat(agentSeen.get(1).data().get("body")).isEqualTo("STREAMSECRET internal only");
        assertThat(agentSeen.get(1).data().get("is_internal")).isEqualTo(true);
    }

    /** A ticket's live stream as {@code token} sees it, without keep-alive comments. */
    private Flux<ServerSentEvent<Map<String, Object>>> stream(String token, String id) {
        return api.client().get().uri("/api/support/live/tickets/{id}/stream", id)
                .header("Authorization", "Bearer " + token).accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isOk().returnResult(new ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>>() {
                }).getResponseBody()
                .filter(e -> e.event() != null);
    }

    private static List<MimeMessage> mailsTo(String address) {
        return Arrays.stream(SMTP.getReceivedMessages()).filter(m -> {
            try {
                return Arrays.stream(m.getRecipients(Message.RecipientType.TO)).anyMatch(a -> a.toString().equals(address));
            } catch (jakarta.mail.MessagingException e) {
                return false;
            }
        }).toList();
    }

    /** E-mails to {@code address} the service queued (one row each; the relay sends them). */
    private long queuedFor(String address) {
        return count("SELECT count(*) FROM notifications WHERE recipient = ?", address);
    }

    private long unsentTo(String address) {
        return count("SELECT count(*) FROM notifications WHERE recipient = ? AND sent_at IS NULL AND failed_at IS NULL", address);
    }

    private long count(String sql, Object... args) {
        try {
            return infra.count(sql, args);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private static String subject(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
