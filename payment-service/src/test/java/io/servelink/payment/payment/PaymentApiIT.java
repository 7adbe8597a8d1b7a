package io.servelink.payment.payment;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.servelink.contracts.security.ServelinkClaims;
import io.servelink.contracts.security.TeamRole;
import io.servelink.starter.LocalTokens;
import io.servelink.starter.ServelinkAutoConfiguration;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import io.servelink.infra.test.TestTokens;
import io.servelink.payment.PaymentItSupport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

@SuppressWarnings("unchecked")
class PaymentApiIT extends PaymentItSupport {

    private static final String OWNER = TestTokens.owner(TEAM);

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec initiateRaw(String team, String token, String body) {
        return client().post().uri("/api/payments/{team}/initiate", team).header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    @Test
    void initiatesMobileMoneyAtTheQuotedPriceWithTheCallersTokenAndThePaymentIdAsIdempotencyKey() {
        quote(TEAM, "plan:pro", 900, "EUR", "Pro plan, 30 days");
        providerAccepts("push");

        Map<String, Object> created = initiate(TEAM, OWNER, "plan:pro", "mobile_money", "+237670000001");

        String paymentId = (String) created.get("payment_id");
        assertThat(created).containsEntry("status", "pending").containsEntry("amount_minor", 900).containsEntry("currency", "EUR");
        assertThat((Map<String, Object>) created.get("next_action")).containsEntry("type", "push");
        wiremock.verify(getRequestedFor(urlPathEqualTo("/api/resources/acme/quote"))
                .withQueryParam("purpose", equalTo("plan_upgrade"))
                .withHeader("Authorization", equalTo("Bearer " + OWNER)));
        wiremock.verify(postRequestedFor(urlEqualTo("/v1/payments"))
                .withHeader("Idempotency-Key", equalTo(paymentId))
                .withHeader("Authorization", equalTo("Bearer " + API_KEY))
                .withRequestBody(matchingJsonPath("$.amount_minor", equalTo("900")))
                .withRequestBody(matchingJsonPath("$.payer_phone", equalTo("+237670000001")))
                .withRequestBody(matchingJsonPath("$.callback_url"))
                .withRequestBody(matchingJsonPath("$.metadata.payment_id", equalTo(paymentId))));
        assertThat(queryString("SELECT provider_payment_id FROM payments WHERE id = ?", UUID.fromString(paymentId)))
                .isEqualTo("pay_" + paymentId);
        assertThat(queryString("SELECT actor || ' ' || action FROM audit_log WHERE subject_id = ?", paymentId))
                .isEqualTo("user-owner-acme payment.initiated");
    }

    @Test
    void initiatesCardPaymentAnsweringTheRedirect() {
        quote(TEAM, "addon:ram", 100, "EUR", "RAM +500 MB, 30 days");
        providerAccepts("redirect");

        Map<String, Object> created = initiate(TEAM, TestTokens.forTeam(TEAM, TeamRole.ADMIN), "addon:ram", "credit_card", null);

        assertThat(created).containsEntry("amount_minor", 100);
        assertThat((Map<String, Object>) created.get("next_action")).containsEntry("type", "redirect")
                .containsEntry("url", "https://provider.test/checkout/" + created.get("payment_id"));
        wiremock.verify(postRequestedFor(urlEqualTo("/v1/payments"))
                .withRequestBody(matchingJsonPath("$.method", equalTo("credit_card")))
                .withRequestBody(matchingJsonPath("$.return_url")));
    }

    @Test
    void refusesAnAmountInTheBodyNamingTheFieldAndStoresNothing() {
        quote(TEAM, "plan:pro", 900, "EUR", "Pro plan");
        providerAccepts("push");

        initiateRaw(TEAM, OWNER, """
                {"purpose": "plan_upgrade", "reference": "plan:pro", "payment_method": "mobile_money", "phone": "+237670000001",
                 "amount_minor": 1}""")
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("amount_minor");

        assertThat(queryLong("SELECT count(*) FROM payments WHERE team_slug = 'acme' AND amount_minor = 1")).isZero();
        wiremock.verify(0, postRequestedFor(urlEqualTo("/v1/payments")));
    }

    @Test
    void answersBadBodiesWith400NamingTheField() {
        initiateRaw(TEAM, OWNER, """
                {"purpose": "plan_upgrade", "reference": "plan:pro", "payment_method": "mobile_money"}""")
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("phone");
        initiateRaw(TEAM, OWNER, """
                {"purpose": "plan_upgrade", "reference": "plan:pro", "payment_method": "mobile_money", "phone": "0670000001"}""")
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("phone");
        initiateRaw(TEAM, OWNER, """
                {"purpose": "free_money", "reference": "plan:pro", "payment_method": "credit_card"}""")
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("purpose");
        initiateRaw(TEAM, OWNER, """
                {"purpose": "addon", "reference": "addon:1", "payment_method": "cash"}""")
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("payment_method");
        initiateRaw(TEAM, OWNER, """
                {"purpose": "addon", "payment_method": "credit_card"}""")
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("reference");
        initiateRaw(TEAM, OWNER, "{not json")
                .expectStatus().isBadRequest().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        wiremock.verify(0, postRequestedFor(urlEqualTo("/v1/payments")));
    }

    @Test
    void refusesAnotherTeamAndAPlainMemberWith403() {
        String body = """
                {"purpose": "plan_upgrade", "reference": "plan:pro", "payment_method": "credit_card"}""";
        initiateRaw(TEAM, TestTokens.owner(OTHER_TEAM), body).expectStatus().isForbidden()
                .expectBody().jsonPath("$.type").isEqualTo("https://problems.servelink.io/forbidden");
        initiateRaw(TEAM, TestTokens.member(TEAM), body).expectStatus().isForbidden();
        wiremock.verify(0, getRequestedFor(urlPathEqualTo("/api/resources/acme/quote")));
    }

    @Test
    void passesTheCatalogsRefusalsOnNamingTheReference() {
        wiremock.stubFor(get(urlPathEqualTo("/api/resources/acme/quote")).withQueryParam("reference", equalTo("addon:nope"))
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"detail\": \"unknown add-on\"}")));
        wiremock.stubFor(get(urlPathEqualTo("/api/resources/acme/quote")).withQueryParam("reference", equalTo("plan:free"))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"detail\": \"cannot buy the free plan\"}")));

        initiateRaw(TEAM, OWNER, """
                {"purpose": "addon", "reference": "addon:nope", "payment_method": "credit_card"}""")
                .expectStatus().isNotFound().expectBody().jsonPath("$.detail").value(d -> assertThat((String) d).startsWith("reference"));
        initiateRaw(TEAM, OWNER, """
                {"purpose": "plan_upgrade", "reference": "plan:free", "payment_method": "credit_card"}""")
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("reference");
        assertThat(queryLong("SELECT count(*) FROM payments WHERE reference IN ('addon:nope', 'plan:free')")).isZero();
    }

    @Test
    void answers503WithRetryAfterWhenTheCatalogIsDown() {
        wiremock.stubFor(get(urlPathEqualTo("/api/resources/acme/quote")).willReturn(aResponse().withStatus(503)));

        initiateRaw(TEAM, OWNER, """
                {"purpose": "plan_upgrade", "reference": "plan:down", "payment_method": "credit_card"}""")
                .expectStatus().isEqualTo(503)
                .expectHeader().exists("Retry-After")
                .expectBody().jsonPath("$.type").isEqualTo("https://problems.servelink.io/unavailable");
        wiremock.verify(3, getRequestedFor(urlPathEqualTo("/api/resources/acme/quote")));
    }

    @Test
    void aLargePaymentNeedsAFreshLogin() {
        quote(TEAM, "plan:enterprise", 50_000, "EUR", "Enterprise plan");
        providerAccepts("push");
        ServelinkClaims stale = new ServelinkClaims("user-stale", "stale@example.test", Map.of(TEAM, TeamRole.OWNER), Set.of(),
                Instant.now().minus(Duration.ofMinutes(20)));
        String staleToken = TestTokens.mint(stale, Duration.ofMinutes(10));
        String body = """
                {"purpose": "plan_upgrade", "reference": "plan:enterprise", "payment_method": "credit_card"}""";

        initiateRaw(TEAM, staleToken, body).expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.type").isEqualTo("https://problems.servelink.io/reauthentication-required");
        wiremock.verify(0, postRequestedFor(urlEqualTo("/v1/payments")));

        initiateRaw(TEAM, OWNER, body).expectStatus().isCreated();
    }

    /** What resources-service's renewal job shows: no team, no role, scope {@code payments:renew resources:quote}. */
    private static String serviceToken(String scope) {
        Instant now = Instant.now();
        JwtClaimsSet claims = JwtClaimsSet.builder().issuer("servelink-tests").subject("service:resources-service")
                .issuedAt(now).expiresAt(now.plusSeconds(300)).claim("scope", scope)
                .claim("teams", Map.of()).claim("roles", java.util.List.of()).build();
        return NimbusJwtEncoder.withSecretKey(ServelinkAutoConfiguration.hmacKey(TestTokens.SECRET)).build()
                .encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).type("JWT").build(), claims)).getTokenValue();
    }

    @Test
    void theRenewalJobsServiceTokenMayStartRenewalsOnlyAndNeedsNoFreshLogin() {
        wiremock.stubFor(get(urlPathEqualTo("/api/resources/acme/quote")).withQueryParam("purpose", equalTo("renewal"))
                .willReturn(okJson("{\"amount_minor\": 20000, \"currency\": \"EUR\", \"description\": \"CPU +1, 30 more days\"}")));
        quote(TEAM, "plan:pro", 900, "EUR", "Pro plan");
        providerAccepts("push");
        String service = serviceToken("payments:renew resources:quote");

        initiateRaw(TEAM, service, """
                {"purpose": "renewal", "reference": "addon:cpu-1", "payment_method": "mobile_money", "phone": "+237670000001"}""")
                .expectStatus().isCreated().expectBody().jsonPath("$.amount_minor").isEqualTo(20000);
        wiremock.verify(getRequestedFor(urlPathEqualTo("/api/resources/acme/quote"))
                .withQueryParam("purpose", equalTo("renewal")).withHeader("Authorization", equalTo("Bearer " + service)));
        assertThat(queryString("SELECT initiated_by FROM payments WHERE reference = 'addon:cpu-1'")).isEqualTo("service:resources-service");

        initiateRaw(TEAM, service, """
                {"purpose": "plan_upgrade", "reference": "plan:pro", "payment_method": "credit_card"}""")
                .expectStatus().isForbidden();
        initiateRaw(TEAM, serviceToken("resources:quote"), """
                {"purpose": "renewal", "reference": "addon:cpu-1", "payment_method": "credit_card"}""")
                .expectStatus().isForbidden();
    }

    @Test
    void aRepeatedIdempotencyKeyAnswersTheLivePaymentAndAFailedOneMayBeStartedAgain() {
        quote(TEAM, "addon:key-1", 100, "EUR", "RAM +500 MB");
        providerAccepts("push");
        String body = """
                {"purpose": "addon", "reference": "addon:key-1", "payment_method": "mobile_money", "phone": "+237670000001"}""";
        java.util.function.Function<String, org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec> withKey =
                key -> client().post().uri("/api/payments/{team}/initiate", TEAM).header("Authorization", "Bearer " + OWNER)
                        .header("Idempotency-Key", key).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();

        String first = (String) withKey.apply("addon:key-1").expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("payment_id");
        withKey.apply("addon:key-1").expectStatus().isOk().expectBody().jsonPath("$.payment_id").isEqualTo(first);
        wiremock.verify(1, postRequestedFor(urlEqualTo("/v1/payments")));
        client().post().uri("/api/payments/{team}/initiate", TEAM).header("Authorization", "Bearer " + OWNER)
                .header("Idempotency-Key", "addon:key-1").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body.replace("mobile_money\", \"phone\": \"+237670000001", "credit_card").replace("addon:key-1", "addon:other"))
                .exchange().expectStatus().isEqualTo(409);

        deliverSigned(webhookBody("evt-key-" + first, first, "failed", 100, "EUR")).expectStatus().isOk();

        String second = (String) withKey.apply("addon:key-1").expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("payment_id");
        assertThat(second).isNotEqualTo(first);
    }

    @Test
    void showsAPaymentOnlyToMembersOfItsTeam() {
        String paymentId = pendingPayment();

        status(paymentId, TestTokens.member(TEAM)).expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("pending").jsonPath("$.amount_minor").isEqualTo(900)
                .jsonPath("$.team_slug").isEqualTo(TEAM)
                .jsonPath("$.created_at").value(at -> assertThat(Instant.parse((String) at)).isBeforeOrEqualTo(Instant.now()));
        status(paymentId, TestTokens.owner(OTHER_TEAM)).expectStatus().isNotFound();
        status("not-a-uuid", TestTokens.member(TEAM)).expectStatus().isNotFound();
        client().post().uri("/api/payments/{id}/cancel", paymentId).header("Authorization", "Bearer " + TestTokens.owner(OTHER_TEAM))
                .exchange().expectStatus().isNotFound();
        client().get().uri("/api/payments/{id}/invoice.pdf", paymentId).header("Authorization", "Bearer " + TestTokens.owner(TEAM))
                .exchange().expectStatus().isNotFound();
    }

    @Test
    void cancelsAPendingPaymentAtTheProviderAndPublishesPaymentCancelledOnce() {
        String paymentId = pendingPayment();
        wiremock.stubFor(post(urlEqualTo("/v1/payments/pay_" + paymentId + "/cancel"))
                .willReturn(okJson(providerPayment("pay_" + paymentId, "cancelled", 900, "EUR", paymentId))));

        client().post().uri("/api/payments/{id}/cancel", paymentId).header("Authorization", "Bearer " + TestTokens.member(TEAM))
                .exchange().expectStatus().isForbidden();
        client().post().uri("/api/payments/{id}/cancel", paymentId).header("Authorization", "Bearer " + OWNER)
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("cancelled");

        wiremock.verify(1, postRequestedFor(urlEqualTo("/v1/payments/pay_" + paymentId + "/cancel")));
        assertThat(paymentEvents(paymentId)).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo(TEAM);
            assertThat(typeOf(record)).isEqualTo("PaymentCancelled");
        });
        assertThat(queryString("SELECT action FROM audit_log WHERE subject_id = ? AND action = 'payment.cancelled'",
                paymentId)).isEqualTo("payment.cancelled");

        // cancelling again is answered as cancelled (idempotent, as at the provider), without calling it again
        client().post().uri("/api/payments/{id}/cancel", paymentId).header("Authorization", "Bearer " + OWNER)
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("cancelled");
        wiremock.verify(1, postRequestedFor(urlEqualTo("/v1/payments/pay_" + paymentId + "/cancel")));
    }

    @Test
    void aCancelRacingACompletionEndsCompletedWith409AndOneEvent() {
        String paymentId = pendingPayment();
        // the payer confirmed just before the cancel arrived at the provider
        wiremock.stubFor(post(urlEqualTo("/v1/payments/pay_" + paymentId + "/cancel"))
                .willReturn(aResponse().withStatus(409).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\": \"not_cancellable\", \"payment\": "
                                + providerPayment("pay_" + paymentId, "completed", 900, "EUR", paymentId) + "}")));

        client().post().uri("/api/payments/{id}/cancel", paymentId).header("Authorization", "Bearer " + OWNER)
                .exchange().expectStatus().isEqualTo(409).expectBody().jsonPath("$.status").isEqualTo("completed");
        // the completion webhook arrives afterwards
        deliverSigned(webhookBody("evt-race-" + paymentId, paymentId, "completed", 900, "EUR")).expectStatus().isOk();

        assertThat(statusOf(paymentId)).isEqualTo("completed");
        assertThat(paymentEvents(paymentId)).singleElement()
                .satisfies(record -> assertThat(typeOf(record)).isEqualTo("PaymentCompleted"));
    }

    @Test
    void listsTheTeamsPaymentsNewestFirstPagedAndFilteredByStatus() {
        String first = pendingPayment();
        String second = pendingPayment();
        String third = pendingPayment();
        deliverSigned(webhookBody("evt-hist-" + second, second, "completed", 900, "EUR")).expectStatus().isOk();

        client().get().uri("/api/payments/{team}/history?page=0&size=2", TEAM).header("Authorization", "Bearer " + TestTokens.member(TEAM))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.items.length()").isEqualTo(2)
                .jsonPath("$.items[0].payment_id").isEqualTo(third)
                .jsonPath("$.items[1].payment_id").isEqualTo(second)
                .jsonPath("$.total").value(total -> assertThat(((Number) total).longValue()).isGreaterThanOrEqualTo(3));
        client().get().uri("/api/payments/{team}/history?status=completed", TEAM).header("Authorization", "Bearer " + TestTokens.member(TEAM))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.items[?(@.payment_id == '" + second + "')]").exists()
                .jsonPath("$.items[?(@.payment_id == '" + first + "')]").doesNotExist()
                .jsonPath("$.items[*].status").value(statuses -> assertThat((Iterable<Object>) statuses).containsOnly("completed"));
        client().get().uri("/api/payments/{team}/history?status=lost", TEAM).header("Authorization", "Bearer " + TestTokens.member(TEAM))
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("status");
        client().get().uri("/api/payments/{team}/history?size=1000", TEAM).header("Authorization", "Bearer " + TestTokens.member(TEAM))
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("size");
        client().get().uri("/api/payments/{team}/history", TEAM).header("Authorization", "Bearer " + TestTokens.member(OTHER_TEAM))
                .exchange().expectStatus().isForbidden();
        client().get().uri("/api/payments/{team}/history", "Not_A_Slug").header("Authorization", "Bearer " + TestTokens.member(TEAM))
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("team_slug");
    }

    @Test
    void issuesAnInvoicePdfWithSequentialNumbersForCompletedPayments() throws Exception {
        String a = pendingPayment();
        String b = pendingPayment();
        deliverSigned(webhookBody("evt-inv-" + a, a, "completed", 900, "EUR")).expectStatus().isOk();
        deliverSigned(webhookBody("evt-inv-" + b, b, "completed", 900, "EUR")).expectStatus().isOk();

        long numberA = queryLong("SELECT sequence_number FROM invoices WHERE payment_id = ?", UUID.fromString(a));
        long numberB = queryLong("SELECT sequence_number FROM invoices WHERE payment_id = ?", UUID.fromString(b));
        assertThat(numberB).isEqualTo(numberA + 1);

        byte[] pdf = client().get().uri("/api/payments/{id}/invoice.pdf", a).header("Authorization", "Bearer " + TestTokens.member(TEAM))
                .exchange().expectStatus().isOk().expectHeader().contentType(MediaType.APPLICATION_PDF)
                .expectBody(byte[].class).returnResult().getResponseBody();
        try (var document = org.apache.pdfbox.Loader.loadPDF(pdf)) {
            String text = new org.apache.pdfbox.text.PDFTextStripper().getText(document);
            assertThat(text).contains("Team: acme").contains("Pro plan, 30 days").contains("Total paid: 9.00 EUR")
                    .contains("VAT 0 %: 0.00 EUR").contains(queryString("SELECT number FROM invoices WHERE payment_id = ?", UUID.fromString(a)));
        }
        client().get().uri("/api/payments/{id}/invoice.pdf", a).header("Authorization", "Bearer " + TestTokens.owner(OTHER_TEAM))
                .exchange().expectStatus().isNotFound();
    }

    @Test
    void oneTraceRunsFromTheCallerThroughTheCatalogToThePaymentEvent() {
        String traceId = "0af7651916cd43dd8448eb211c80319c";
        String callerTraceparent = "00-" + traceId + "-b7ad6b7169203331-01";
        quote(TEAM, "plan:traced", 900, "EUR", "Pro plan");
        wiremock.stubFor(post(urlEqualTo("/v1/payments")).willReturn(aResponse().withStatus(422)
                .withHeader("Content-Type", "application/json").withBody("{\"error\": \"invalid_request\"}")));

        client().post().uri("/api/payments/{team}/initiate", TEAM).header("Authorization", "Bearer " + OWNER)
                .header("traceparent", callerTraceparent).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("""
                        {"purpose": "plan_upgrade", "reference": "plan:traced", "payment_method": "credit_card"}""")
                .exchange().expectStatus().isEqualTo(502);

        String quoteTraceparent = wiremock.findAll(getRequestedFor(urlPathEqualTo("/api/resources/acme/quote"))).getFirst()
                .getHeader("traceparent");
        assertThat(quoteTraceparent).as("the quote request continues the caller's trace, as a child span")
                .startsWith("00-" + traceId + "-").isNotEqualTo(callerTraceparent);
        String paymentId = queryString("SELECT id FROM payments WHERE reference = 'plan:traced'");
        assertThat(paymentEvents(paymentId)).singleElement().satisfies(record -> {
            assertThat(typeOf(record)).isEqualTo("PaymentFailed");
            assertThat(new String(record.headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8))
                    .as("the event the request caused carries the same trace").startsWith("00-" + traceId + "-");
        });
    }
}
