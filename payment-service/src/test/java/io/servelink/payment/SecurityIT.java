package io.servelink.payment;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.servelink.infra.test.security.EndpointMatrix.Caller.ADMIN;
import static io.servelink.infra.test.security.EndpointMatrix.Caller.MEMBER;
import static io.servelink.infra.test.security.EndpointMatrix.Caller.OPERATOR;
import static io.servelink.infra.test.security.EndpointMatrix.Caller.OWNER;
import static io.servelink.infra.test.security.EndpointMatrix.Caller.SUPPORT_AGENT;
import static io.servelink.infra.test.security.EndpointMatrix.Expect.NOT_FOUND;
import static io.servelink.infra.test.security.EndpointMatrix.Expect.FORBIDDEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.infra.test.TestTokens;
import io.servelink.infra.test.security.EndpointMatrix;
import io.servelink.infra.test.security.EndpointMatrix.Row;
import io.servelink.infra.test.security.HostileInput;
import io.servelink.infra.test.security.SecretsProbe;
import io.servelink.payment.webhook.WebhookSignature;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

/**
 * payment-service against hostile callers: the authorization matrix of every endpoint, fuzzed input, oversized
 * bodies, and secrets (provider API key, webhook secret, JWT secret, bearer tokens) kept out of logs and answers.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecurityIT extends PaymentItSupport {

    private static final String TEAM_SLUG = EndpointMatrix.TEAM;
    private static final String VALID_INITIATE = """
            {"purpose": "plan_upgrade", "reference": "plan:pro", "payment_method": "mobile_money", "phone": "+237670000001"}""";

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    static List<Row> table() {
        return List.of(
                EndpointMatrix.billing("POST /api/payments/{team_slug}/initiate").body(VALID_INITIATE),
                EndpointMatrix.teamRead("GET /api/payments/{team_slug}/history"),
                // a payment of the team: members see it, another team's member finds nothing
                EndpointMatrix.teamRead("GET /api/payments/{payment_id}/status").with(EndpointMatrix.Caller.OTHER_TEAM, NOT_FOUND)
                        .with(SUPPORT_AGENT, NOT_FOUND).with(OPERATOR, NOT_FOUND),
                EndpointMatrix.teamRead("GET /api/payments/{payment_id}/invoice.pdf").with(EndpointMatrix.Caller.OTHER_TEAM, NOT_FOUND)
                        .with(SUPPORT_AGENT, NOT_FOUND).with(OPERATOR, NOT_FOUND),
                EndpointMatrix.billing("POST /api/payments/{payment_id}/cancel").with(EndpointMatrix.Caller.OTHER_TEAM, NOT_FOUND)
                        .with(SUPPORT_AGENT, NOT_FOUND).with(OPERATOR, NOT_FOUND).with(MEMBER, FORBIDDEN),
                EndpointMatrix.platform("POST /api/payments/admin/jobs/{job}", PlatformRole.OPERATOR)
                        .path("/api/payments/admin/jobs/reconciliation"),
                EndpointMatrix.platform("GET /api/payments/admin/review", PlatformRole.OPERATOR),
                // an operator refunds only payments under review: the team's ordinary payment answers 409
                EndpointMatrix.platform("POST /api/payments/admin/review/{payment_id}/refund", PlatformRole.OPERATOR),
                // no token: the HMAC signature decides, and an unsigned delivery is 401 for everybody
                EndpointMatrix.open("POST /api/payments/callback", 401),
                // no token either: each adapter's own signature decides; with no adapter enabled (here) it is 404, except that a
                // bad bearer token (which no provider sends) is refused as such first
                EndpointMatrix.open("POST /api/webhooks/{provider}", 404).path("/api/webhooks/stripe")
                        .with(EndpointMatrix.Caller.EXPIRED, EndpointMatrix.Expect.UNAUTHENTICATED)
                        .with(EndpointMatrix.Caller.FORGED, EndpointMatrix.Expect.UNAUTHENTICATED));
    }

    @BeforeEach
    void peers() {
        quote(TEAM_SLUG, "plan:pro", 900, "EUR", "Pro plan, 30 days");
        providerAccepts("push");
    }

    private String paymentOfTheTeam() {
        return (String) initiate(TEAM_SLUG, TestTokens.owner(TEAM_SLUG), "plan:pro", "mobile_money", "+237670000001").get("payment_id");
    }

    /** A pending payment of the team whose cancel the provider accepts. */
    private String cancellablePayment() {
        String id = paymentOfTheTeam();
        wiremock.stubFor(post(urlEqualTo("/v1/payments/pay_" + id + "/cancel"))
                .willReturn(okJson(providerPayment("pay_" + id, "cancelled", 900, "EUR", id))));
        return id;
    }

    @Test
    void everyEndpointHasARowInTheAuthorizationTable() {
        EndpointMatrix.assertCoversExactly(EndpointMatrix.endpoints(mappings), table());
    }

    @Test
    void everyCallerGetsTheExpectedStatusOnEveryEndpoint() {
        String payment = paymentOfTheTeam();
        List<String> failures = EndpointMatrix.run(port, table(), row -> row.pattern().contains("{payment_id}")
                ? row.path(row.pattern().replace("{payment_id}", row.pattern().endsWith("/cancel") ? cancellablePayment() : payment))
                : row);
        assertThat(failures).isEmpty();
    }

    @Test
    void callersWhoMayNotActGetTheirRefusalWhateverTheBody() {
        String payment = paymentOfTheTeam();
        List<String> failures = EndpointMatrix.runRefusedWithMalformedBodies(port, table(), row -> row.pattern().contains("{payment_id}")
                ? row.path(row.pattern().replace("{payment_id}", row.pattern().endsWith("/cancel") ? cancellablePayment() : payment))
                : row);
        assertThat(failures).isEmpty();
    }

    /** Another team's member, or a member without the billing role, learns nothing about the body from the answer. */
    @Test
    void initiatingForATeamOneMayNotPayForIsForbiddenWhateverTheBody() {
        String payments = "SELECT count(*) FROM payments";
        long before = queryLong(payments);
        for (String caller : List.of(TestTokens.owner(EndpointMatrix.OTHER), TestTokens.member(TEAM_SLUG))) {
            for (String body : List.of("{\"purpose\": ", "{}", "{\"purpose\": \"free_money\", \"amount_minor\": 1}", "")) {
                HttpResponse<String> response = EndpointMatrix.Http.send(port, "POST", "/api/payments/" + TEAM_SLUG + "/initiate",
                        caller, body);
                assertThat(response.statusCode()).as(body).isEqualTo(403);
                assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                assertThat(response.body()).contains("https://problems.servelink.io/forbidden").doesNotContain("purpose");
            }
        }
        assertThat(queryLong(payments)).isEqualTo(before);
    }

    @Test
    void hostileInputNeverAnswers5xxNorLeaksNorChangesStoredDataWhenRefused() {
        String otherAudit = "SELECT count(*) FROM audit_log WHERE action NOT IN ('webhook.rejected', 'job.triggered')";
        long auditedBefore = queryLong(otherAudit);
        List<String> failures = new HostileInput(20261124L).run(port, table(), List.of(OWNER, ADMIN, OPERATOR), 20,
                // a refused webhook is recorded on purpose (payment_webhooks, audit_log: forensics), checked below
                HostileInput.databaseChecksum(this::connection, List.of("event_outbox", "processed_events", "shedlock",
                        "payment_webhooks", "audit_log")));
        assertThat(failures).isEmpty();
        assertThat(queryLong("SELECT count(*) FROM payment_webhooks WHERE signature_ok")).as("no fuzzed delivery was accepted").isZero();
        assertThat(queryLong(otherAudit)).as("nothing but rejected deliveries (and operators' job runs) audited").isEqualTo(auditedBefore);
    }

    @Test
    void refusesAnOversizedBodyEarlyWithAProblem() {
        String huge = "{\"purpose\": \"plan_upgrade\", \"reference\": \"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        HttpResponse<String> response = EndpointMatrix.Http.send(port, "POST", "/api/payments/" + TEAM_SLUG + "/initiate",
                TestTokens.owner(TEAM_SLUG), huge);
        assertThat(response.statusCode()).isIn(400, 413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(EndpointMatrix.Http.leaks(response.body())).isNull();

        HttpResponse<String> webhook = EndpointMatrix.Http.send(port, "POST", "/api/payments/callback", null, huge);
        assertThat(webhook.statusCode()).isIn(400, 401, 413);
    }

    @Test
    void secretsNeverAppearInLogsOrAnswers(CapturedOutput output) {
        String owner = TestTokens.owner(TEAM_SLUG);
        String body = webhookBody(UUID.randomUUID().toString(), UUID.randomUUID().toString(), "completed", 900, "EUR");
        long now = Instant.now().getEpochSecond();
        String wrongKey = new io.servelink.payment.webhook.WebhookSignature("not-the-secret", java.time.Duration.ofMinutes(5))
                .sign(now, body.getBytes(StandardCharsets.UTF_8));
        String stale = SIGNER.sign(now - 3600, body.getBytes(StandardCharsets.UTF_8));
        SecretsProbe probe = SecretsProbe.of(port, TEAM_SLUG)
                .secret("the provider API key", API_KEY)
                .secret("the webhook secret", WEBHOOK_SECRET)
                .secret("a wrong-key webhook signature", wrongKey)
                .secret("a stale webhook signature", stale)
                // webhooks signed with the wrong secret, with a stale timestamp, unsigned
                .request("POST", "/api/payments/callback", webhookHeaders(now, wrongKey), body, 401)
                .request("POST", "/api/payments/callback", webhookHeaders(now - 3600, stale), body, 401)
                .request("POST", "/api/payments/callback", Map.of("Content-Type", "application/json"), body, 401);
        // the provider refusing our key and echoing it, then failing and echoing it
        wiremock.stubFor(post(urlEqualTo("/v1/payments")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody("{\"error\": \"invalid api key " + API_KEY + "\"}")));
        probe.request("POST", "/api/payments/" + TEAM_SLUG + "/initiate", bearerJson(owner), VALID_INITIATE, 502);
        wiremock.stubFor(post(urlEqualTo("/v1/payments")).willReturn(aResponse().withStatus(500).withBody("boom " + API_KEY)));
        probe.request("POST", "/api/payments/" + TEAM_SLUG + "/initiate", bearerJson(owner), VALID_INITIATE, 503);
        probe.badTokens("GET", "/api/payments/" + TEAM_SLUG + "/history", null)
                .badRequest("POST", "/api/payments/" + TEAM_SLUG + "/initiate", owner, "{\"purpose\": ")
                .badRequest("GET", "/api/payments/not-a-payment/status", owner, null)
                .assertNothingLeaked(output);
    }

    private static Map<String, String> webhookHeaders(long timestamp, String signature) {
        return Map.of("Content-Type", "application/json", WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp),
                WebhookSignature.SIGNATURE_HEADER, signature);
    }

    private static Map<String, String> bearerJson(String token) {
        return Map.of("Content-Type", "application/json", "Authorization", "Bearer " + token);
    }

    private java.sql.Connection connection() {
        try {
            return infrastructure.openConnection();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
