package io.servelink.resources;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.payments.PaymentCompleted;
import io.servelink.contracts.events.payments.PaymentPurpose;
import io.servelink.contracts.security.PlatformRole;
import io.servelink.contracts.security.TeamRole;
import io.servelink.infra.test.TestTokens;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;

/**
 * Every change of plan or add-on writes exactly one audit row, in the transaction of the change, naming who did it
 * (the caller, {@code payment-service} for a payment's outcome, the job for its own changes), the team, the add-on
 * and the client address; refused requests and changes that did not happen write none.
 */
@TestPropertySource(properties = "resilience4j.timelimiter.instances.payments.timeout-duration=10s") // a cold first call on a busy machine
class AuditTrailIT extends ResourcesITSupport {

    private List<Map<String, Object>> audit(String team) throws Exception {
        return query("SELECT actor, action, subject_id, remote_address, forwarded_for, details::text AS details "
                + "FROM audit_log WHERE team_slug = ? ORDER BY id", team);
    }

    private List<Object> actions(String team) throws Exception {
        return audit(team).stream().map(row -> row.get("action")).toList();
    }

    private Map<String, Object> onlyRow(String team, String action) throws Exception {
        List<Map<String, Object>> rows = audit(team).stream().filter(row -> action.equals(row.get("action"))).toList();
        assertThat(rows).as(action).hasSize(1);
        return rows.getFirst();
    }

    @Test
    void aPurchaseIsAuditedWithTheCallerTheAddonAndTheClientAddress() throws Exception {
        makePro("audited-buyer");
        String admin = TestTokens.forTeam("audited-buyer", TeamRole.ADMIN);

        String addonId = (String) ((Map<?, ?>) client().post().uri("/api/resources/{team}/purchase", "audited-buyer")
                .header("Authorization", bearer(admin))
                .header("X-Forwarded-For", "203.0.113.7")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("resource_type", "cpu", "quantity", 2, "payment_method", "credit_card"))
                .exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("addon")).get("id");

        Map<String, Object> row = onlyRow("audited-buyer", "addon.purchase_started");
        assertThat(row.get("remote_address")).as("the TCP peer").isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(row)
                .containsEntry("actor", "user-admin-audited-buyer")
                .containsEntry("subject_id", addonId)
                .containsEntry("forwarded_for", "203.0.113.7")
                .hasEntrySatisfying("details", details -> assertThat((String) details)
                        .contains("\"resource_type\": \"cpu\"").contains("\"quantity\": 2").contains("\"price_minor\": 400"));
    }

    @Test
    void aPaymentOutcomeIsAuditedOnceEvenWhenTheEventIsRedelivered() throws Exception {
        makePro("audited-payer");
        String addonId = purchase("audited-payer", "ram", 1);
        EventEnvelope<PaymentCompleted> completed = EventEnvelope.of(new PaymentCompleted("pay-a1", "audited-payer",
                PaymentPurpose.ADDON, "addon:" + addonId, 100, "EUR", "credit_card", clock.instant()), clock.instant());
        awaitProcessed(publish("audited-payer", completed));
        publish("audited-payer", completed);
        awaitProcessed(publishCompleted("audited-payer", PaymentPurpose.ADDON, "addon:" + addonId, "pay-a1"));

        assertThat(actions("audited-payer")).containsExactly("plan.upgraded", "addon.purchase_started", "addon.activated");
        assertThat(onlyRow("audited-payer", "addon.activated"))
                .containsEntry("actor", "payment-service")
                .containsEntry("subject_id", addonId)
                .containsEntry("remote_address", null)
                .hasEntrySatisfying("details", details -> assertThat((String) details)
                        .contains("\"payment_id\": \"pay-a1\"").contains("\"status_before\": \"pending\"").contains("\"status\": \"active\""));
    }

    @Test
    void theFirstProPaymentUpgradesTheNextExtendsBothAudited() throws Exception {
        makePro("audited-plan");
        awaitProcessed(publishCompleted("audited-plan", PaymentPurpose.RENEWAL, "plan:pro", "pay-pro-again"));

        assertThat(actions("audited-plan")).containsExactly("plan.upgraded", "plan.extended");
        assertThat(onlyRow("audited-plan", "plan.upgraded")).containsEntry("actor", "payment-service").containsEntry("subject_id", "pro")
                .hasEntrySatisfying("details", details -> assertThat((String) details)
                        .contains("\"payment_id\": \"pay-pro-audited-plan\"").contains("\"pro_valid_until\": \"2030-02-09T05:00:00Z\""));
        assertThat(onlyRow("audited-plan", "plan.extended").get("details")).asString()
                .contains("\"pro_valid_until\": \"2030-03-11T05:00:00Z\"");
    }

    @Test
    void aCancelIsAuditedOnceAndCancellingAgainChangesNothingAndAuditsNothing() throws Exception {
        makePro("audited-cancel");
        String addonId = activeAddon("audited-cancel", "storage", 1);
        for (int i = 0; i < 2; i++) {
            client().delete().uri("/api/resources/audited-cancel/cancel/{id}", addonId)
                    .header("Authorization", bearer(ownerOf("audited-cancel")))
                    .exchange().expectStatus().isOk();
        }

        assertThat(onlyRow("audited-cancel", "addon.cancelled"))
                .containsEntry("actor", "user-owner-audited-cancel")
                .containsEntry("subject_id", addonId)
                .hasEntrySatisfying("details", details -> assertThat((String) details)
                        .contains("\"status\": \"active\"").contains("\"auto_renew\": false"));
    }

    @Test
    void refusedRequestsWriteNoAuditRow() throws Exception {
        makePro("audited-refusals");
        String addonId = activeAddon("audited-refusals", "ram", 1);
        long before = count("SELECT count(*) FROM audit_log");

        // 403: a member, another team's owner; 400: a bad body; 404: another team's add-on; 403: a Free team
        client().post().uri("/api/resources/audited-refusals/purchase").header("Authorization", bearer(TestTokens.member("audited-refusals")))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("resource_type", "ram", "quantity", 1, "payment_method", "credit_card"))
                .exchange().expectStatus().isForbidden();
        client().delete().uri("/api/resources/audited-refusals/cancel/{id}", addonId).header("Authorization", bearer(ownerOf("intruder")))
                .exchange().expectStatus().isForbidden();
        client().post().uri("/api/resources/audited-refusals/purchase").header("Authorization", bearer(ownerOf("audited-refusals")))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("resource_type", "gpu", "quantity", 1, "payment_method", "credit_card"))
                .exchange().expectStatus().isBadRequest();
        client().delete().uri("/api/resources/intruder/cancel/{id}", addonId).header("Authorization", bearer(ownerOf("intruder")))
                .exchange().expectStatus().isNotFound();
        client().post().uri("/api/resources/audited-free/purchase").header("Authorization", bearer(ownerOf("audited-free")))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("resource_type", "ram", "quantity", 1, "payment_method", "credit_card"))
                .exchange().expectStatus().isForbidden();
        client().post().uri("/api/resources/admin/jobs/expiry").header("Authorization", bearer(TestTokens.platform(PlatformRole.SUPPORT_AGENT)))
                .exchange().expectStatus().isForbidden();

        assertThat(count("SELECT count(*) FROM audit_log")).isEqualTo(before);
    }

    @Test
    void aPurchaseWhosePaymentCannotStartIsAuditedAsStartedThenFailed() throws Exception {
        makePro("audited-unlucky");
        PAYMENT_SERVICE.stubFor(post(urlPathMatching("/api/payments/[^/]+/initiate")).willReturn(aResponse().withStatus(500)));
        client().post().uri("/api/resources/audited-unlucky/purchase").header("Authorization", bearer(ownerOf("audited-unlucky")))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("resource_type", "ram", "quantity", 1, "payment_method", "credit_card"))
                .exchange().expectStatus().isEqualTo(503);

        assertThat(actions("audited-unlucky")).containsExactly("plan.upgraded", "addon.purchase_started", "addon.purchase_failed");
        assertThat(onlyRow("audited-unlucky", "addon.purchase_failed")).containsEntry("actor", "user-owner-audited-unlucky");
    }

    @Test
    void theJobAuditsTheOperatorsTriggerAndEachExpiryRenewalAndLapseAsItself() throws Exception {
        makePro("audited-job");
        clock.set(START.plus(Duration.ofDays(20)));
        String renewing = activeAddon("audited-job", "cpu", 1);
        stubInitiate("pay-renew-audited", Map.of("type", "redirect", "url", "https://pay.example/renew"));

        clock.set(START.plus(Duration.ofDays(33)));  // Pro ended 3 days ago: lapses; the add-on stops renewing
        String operator = TestTokens.platform(PlatformRole.OPERATOR);
        client().post().uri("/api/resources/admin/jobs/expiry").header("Authorization", bearer(operator))
                .header("X-Forwarded-For", "198.51.100.9").exchange().expectStatus().isOk();
        clock.set(START.plus(Duration.ofDays(50)));  // the add-on's time is up
        client().post().uri("/api/resources/admin/jobs/expiry").header("Authorization", bearer(operator))
                .exchange().expectStatus().isOk();

        assertThat(actions("audited-job")).containsExactly("plan.upgraded", "addon.purchase_started", "addon.activated",
                "plan.lapsed", "addon.expired");
        assertThat(onlyRow("audited-job", "plan.lapsed")).containsEntry("actor", "job:expiry")
                .hasEntrySatisfying("details", details -> assertThat((String) details).contains(renewing));
        assertThat(onlyRow("audited-job", "addon.expired")).containsEntry("actor", "job:expiry")
                .containsEntry("subject_id", renewing);
        List<Map<String, Object>> triggers = query("SELECT actor, subject_id, forwarded_for, details::text AS details FROM audit_log "
                + "WHERE action = 'job.triggered' ORDER BY id DESC LIMIT 2");
        assertThat(triggers).allSatisfy(row -> assertThat(row)
                .containsEntry("actor", "staff-operator").containsEntry("subject_id", "expiry"));
        assertThat(triggers.getLast()).containsEntry("forwarded_for", "198.51.100.9");
        assertThat(triggers.getLast().get("details")).asString().contains("\"ran\": true");
    }

    @Test
    void aRenewalIsAuditedWhenTheJobStartsItAndWhenItsPaymentCompletes() throws Exception {
        makePro("audited-renewal");
        awaitProcessed(publishCompleted("audited-renewal", PaymentPurpose.RENEWAL, "plan:pro", "pay-pro-2"));
        String id = activeAddon("audited-renewal", "ram", 1);
        stubInitiate("pay-renewal-audited", Map.of("type", "redirect", "url", "https://pay.example/renew"));
        clock.set(START.plus(Duration.ofDays(28)));
        client().post().uri("/api/resources/admin/jobs/expiry").header("Authorization", bearer(TestTokens.platform(PlatformRole.OPERATOR)))
                .exchange().expectStatus().isOk();
        awaitProcessed(publishCompleted("audited-renewal", PaymentPurpose.RENEWAL, "addon:" + id, "pay-renewal-audited"));

        assertThat(onlyRow("audited-renewal", "addon.renewal_started")).containsEntry("actor", "job:expiry")
                .containsEntry("subject_id", id)
                .hasEntrySatisfying("details", details -> assertThat((String) details).contains("\"payment_id\": \"pay-renewal-audited\""));
        assertThat(onlyRow("audited-renewal", "addon.renewed")).containsEntry("actor", "payment-service")
                .hasEntrySatisfying("details", details -> assertThat((String) details).contains("\"expires_at\": \"2030-03-11T05:00:00Z\""));
    }
}
