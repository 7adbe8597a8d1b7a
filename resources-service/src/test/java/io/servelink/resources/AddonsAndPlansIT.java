package io.servelink.resources;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.entitlements.EntitlementsChanged;
import io.servelink.contracts.events.payments.PaymentCompleted;
import io.servelink.contracts.events.payments.PaymentPurpose;
import io.servelink.contracts.security.TeamRole;
import io.servelink.infra.test.TestTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The purchase and upgrade sagas end to end, the endpoints, their authorization and validation, the consumer's idempotency. */
class AddonsAndPlansIT extends ResourcesITSupport {

    private static final long GB = 1_000_000_000L;

    @Test
    void availableListsTheCatalogAndTellsAFreeTeamWhyItCannotBuy() {
        client().get().uri("/api/resources/{team}/available", "free-team")
                .header("Authorization", bearer(TestTokens.member("free-team")))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.plan").isEqualTo("free")
                .jsonPath("$.can_purchase").isEqualTo(false)
                .jsonPath("$.reason").value(reason -> assertThat((String) reason).contains("Pro plan"))
                .jsonPath("$.plans[0].id").isEqualTo("free")
                .jsonPath("$.plans[1].id").isEqualTo("pro")
                .jsonPath("$.plans[1].price_minor").isEqualTo(900)
                .jsonPath("$.plans[1].traffic_bytes").isEqualTo(100 * GB)
                .jsonPath("$.addons.length()").isEqualTo(4)
                .jsonPath("$.addons[?(@.resource_type == 'cpu')].price_minor").isEqualTo(200)
                .jsonPath("$.addons[?(@.resource_type == 'ram')].ram_mb").isEqualTo(500)
                .jsonPath("$.addons[?(@.resource_type == 'traffic')].traffic_bytes").isEqualTo(10 * GB)
                .jsonPath("$.addons[?(@.resource_type == 'storage')].currency").isEqualTo("EUR")
                .jsonPath("$.max_quantity").isEqualTo(10);
    }

    @Test
    void availableLetsAProTeamBuy() {
        makePro("pro-shop");
        client().get().uri("/api/resources/{team}/available", "pro-shop")
                .header("Authorization", bearer(TestTokens.member("pro-shop")))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.plan").isEqualTo("pro")
                .jsonPath("$.can_purchase").isEqualTo(true);
    }

    @Test
    void freeTeamCannotPurchaseAndNothingIsStoredOrPaid() throws Exception {
        client().post().uri("/api/resources/{team}/purchase", "freebie")
                .header("Authorization", bearer(ownerOf("freebie")))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("resource_type", "ram", "quantity", 1, "payment_method", "credit_card"))
                .exchange()
                .expectStatus().isForbidden()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("Pro plan"));
        assertThat(count("SELECT count(*) FROM addons WHERE team_slug = ?", "freebie")).isZero();
        PAYMENT_SERVICE.verify(0, postRequestedFor(urlPathMatching(".*")));
    }

    @Test
    void purchaseStoresAPendingAddonStartsItsPaymentWithTheCallersTokenAndAnswersTheNextAction() throws Exception {
        makePro("buyer");
        String token = TestTokens.forTeam("buyer", TeamRole.ADMIN);
        stubInitiate("pay-77", Map.of("type", "push", "instruction", "Approve on your phone"));

        Map<?, ?> body = client().post().uri("/api/resources/{team}/purchase", "buyer")
                .header("Authorization", bearer(token))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("""
                        {"resource_type": "cpu", "quantity": 2, "payment_method": "mobile_money", "phone": "+255700000001"}""")
                .exchange()
                .expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();

        Map<?, ?> addon = (Map<?, ?>) body.get("addon");
        Map<?, ?> payment = (Map<?, ?>) body.get("payment");
        assertThat(addon.get("status")).isEqualTo("pending");
        assertThat(addon.get("price_minor")).isEqualTo(400);
        assertThat(addon.get("cpu_cores")).isEqualTo(2);
        assertThat(payment.get("payment_id")).isEqualTo("pay-77");
        assertThat(payment.get("next_action")).isEqualTo(Map.of("type", "push", "instruction", "Approve on your phone"));
        PAYMENT_SERVICE.verify(1, postRequestedFor(urlPathEqualTo("/api/payments/buyer/initiate"))
                .withHeader("Authorization", equalTo("Bearer " + token))
                .withRequestBody(equalToJson("""
                        {"purpose": "addon", "reference": "addon:%s", "payment_method": "mobile_money", "phone": "+255700000001"}"""
                        .formatted(addon.get("id")))));
        assertThat(queryOne("SELECT status, payment_id, quantity, unit_price_minor FROM addons WHERE id = ?", UUID.fromString((String) addon.get("id"))))
                .containsEntry("status", "pending").containsEntry("payment_id", "pay-77")
                .containsEntry("quantity", 2).containsEntry("unit_price_minor", 200L);

        client().get().uri("/api/resources/{team}/list", "buyer")
                .header("Authorization", bearer(TestTokens.member("buyer")))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.length()").isEqualTo(1)
                .jsonPath("$[0].id").isEqualTo(addon.get("id"))
                .jsonPath("$[0].status").isEqualTo("pending");
    }

    @Test
    void badPurchaseBodiesAre400NamingTheFieldAndStoreNothing() throws Exception {
        makePro("careful");
        assertInvalid("careful", Map.of("resource_type", "gpu", "quantity", 1, "payment_method", "credit_card"), "resource_type");
        assertInvalid("careful", Map.of("resource_type", "ram", "quantity", 0, "payment_method", "credit_card"), "quantity");
        assertInvalid("careful", Map.of("resource_type", "ram", "quantity", 11, "payment_method", "credit_card"), "quantity");
        assertInvalid("careful", Map.of("resource_type", "ram", "quantity", 1, "payment_method", "cash"), "payment_method");
        assertInvalid("careful", Map.of("resource_type", "ram", "quantity", 1, "payment_method", "mobile_money"), "phone");
        assertInvalid("careful", Map.of("quantity", 1, "payment_method", "credit_card"), "resource_type");
        assertInvalid("careful", Map.of("resource_type", "r".repeat(21), "quantity", 1, "payment_method", "credit_card"), "resource_type");
        assertThat(count("SELECT count(*) FROM addons WHERE team_slug = ?", "careful")).isZero();
        PAYMENT_SERVICE.verify(0, postRequestedFor(urlPathMatching(".*")));
    }

    private void assertInvalid(String team, Map<String, Object> body, String field) {
        client().post().uri("/api/resources/{team}/purchase", team)
                .header("Authorization", bearer(ownerOf(team)))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo(field);
    }

    @Test
    void everyEndpointRefusesAnotherTeamsTokenAnd403IsAProblem() {
        String stranger = TestTokens.owner("other-team");
        for (String path : List.of("/available", "/list", "/limits", "/quote?purpose=plan_upgrade&reference=plan:pro")) {
            client().get().uri("/api/resources/victim" + path).header("Authorization", bearer(stranger))
                    .exchange().expectStatus().isForbidden()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        }
        client().post().uri("/api/resources/victim/purchase").header("Authorization", bearer(stranger))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("resource_type", "ram", "quantity", 1, "payment_method", "credit_card"))
                .exchange().expectStatus().isForbidden();
        client().post().uri("/api/resources/victim/upgrade").header("Authorization", bearer(stranger))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("payment_method", "credit_card"))
                .exchange().expectStatus().isForbidden();
        client().delete().uri("/api/resources/victim/cancel/" + UUID.randomUUID()).header("Authorization", bearer(stranger))
                .exchange().expectStatus().isForbidden();
        client().get().uri("/api/resources/victim/limits").exchange().expectStatus().isUnauthorized();
        client().post().uri("/api/resources/admin/jobs/expiry").header("Authorization", bearer(stranger))
                .exchange().expectStatus().isForbidden();
    }

    @Test
    void aMemberWhoIsNotOwnerOrAdminCannotPurchaseCancelOrUpgrade() throws Exception {
        makePro("crew");
        String addonId = activeAddon("crew", "ram", 1);
        String member = TestTokens.member("crew");
        client().post().uri("/api/resources/crew/purchase").header("Authorization", bearer(member))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("resource_type", "ram", "quantity", 1, "payment_method", "credit_card"))
                .exchange().expectStatus().isForbidden()
                .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("owner or admin"));
        client().delete().uri("/api/resources/crew/cancel/" + addonId).header("Authorization", bearer(member))
                .exchange().expectStatus().isForbidden();
        client().post().uri("/api/resources/crew/upgrade").header("Authorization", bearer(member))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("payment_method", "credit_card"))
                .exchange().expectStatus().isForbidden();
        assertThat(queryOne("SELECT auto_renew FROM addons WHERE id = ?", UUID.fromString(addonId))).containsEntry("auto_renew", true);
        assertThat(count("SELECT count(*) FROM addons WHERE team_slug = 'crew'")).isEqualTo(1);
    }

    @Test
    void paymentServiceFailingAnswers503WithRetryAfterAndLeavesTheAddonFailed() throws Exception {
        makePro("unlucky");
        PAYMENT_SERVICE.stubFor(post(urlPathMatching("/api/payments/[^/]+/initiate")).willReturn(aResponse().withStatus(500)));
        purchaseUnavailable("unlucky");

        PAYMENT_SERVICE.stubFor(post(urlPathMatching("/api/payments/[^/]+/initiate"))
                .willReturn(aResponse().withStatus(201).withFixedDelay(3_000)));
        purchaseUnavailable("unlucky");

        assertThat(query("SELECT status FROM addons WHERE team_slug = 'unlucky'"))
                .extracting(row -> row.get("status")).containsExactly("failed", "failed");
    }

    @Test
    void aPurchaseCarriesTheCallersTraceToPaymentService() throws Exception {
        makePro("traced");
        stubInitiate("pay-traced", Map.of("type", "push", "instruction", "Approve on your phone"));
        String traceId = "5b8efff798038103d269b633813fc60c";
        String callerTraceparent = "00-" + traceId + "-eee19b7ec3c1b174-01";

        client().post().uri("/api/resources/{team}/purchase", "traced")
                .header("Authorization", bearer(ownerOf("traced"))).header("traceparent", callerTraceparent)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("resource_type", "ram", "quantity", 1, "payment_method", "credit_card"))
                .exchange().expectStatus().isCreated();

        String relayed = PAYMENT_SERVICE.findAll(postRequestedFor(urlPathEqualTo("/api/payments/traced/initiate"))).getFirst()
                .getHeader("traceparent");
        assertThat(relayed).as("the initiate request continues the caller's trace, as a child span")
                .startsWith("00-" + traceId + "-").isNotEqualTo(callerTraceparent);
    }

    @Test
    void anOpenCircuitAnswers503WithoutCallingPaymentService() throws Exception {
        makePro("tripped");
        circuitBreakers.circuitBreaker("payments").transitionToOpenState();
        purchaseUnavailable("tripped");
        PAYMENT_SERVICE.verify(0, postRequestedFor(urlPathMatching(".*")));
        assertThat(queryOne("SELECT status FROM addons WHERE team_slug = 'tripped'")).containsEntry("status", "failed");
    }

    private void purchaseUnavailable(String team) {
        client().post().uri("/api/resources/{team}/purchase", team)
                .header("Authorization", bearer(ownerOf(team)))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("resource_type", "ram", "quantity", 1, "payment_method", "credit_card"))
                .exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().exists("Retry-After")
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("https://problems.servelink.io/unavailable");
    }

    @Test
    void aRefusalByPaymentServiceIsRelayedAndTheAddonFails() throws Exception {
        makePro("stale-login");
        PAYMENT_SERVICE.stubFor(post(urlPathMatching("/api/payments/[^/]+/initiate")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/problem+json")
                .withBody("""
                        {"type": "https://problems.servelink.io/reauthentication-required", "title": "Fresh login needed",
                         "status": 401, "detail": "Log in again to pay this amount"}""")));
        client().post().uri("/api/resources/{team}/purchase", "stale-login")
                .header("Authorization", bearer(ownerOf("stale-login")))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("resource_type", "ram", "quantity", 1, "payment_method", "credit_card"))
                .exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.type").isEqualTo("https://problems.servelink.io/reauthentication-required");
        assertThat(queryOne("SELECT status FROM addons WHERE team_slug = 'stale-login'")).containsEntry("status", "failed");
        assertThat(circuitBreakers.circuitBreaker("payments").getMetrics().getNumberOfFailedCalls()).isZero();
    }

    @Test
    void aCompletedAddonPaymentActivatesItOnceHoweverOftenItIsDelivered() throws Exception {
        makePro("twice");
        String id = purchase("twice", "ram", 2);
        clock.advance(Duration.ofHours(1));
        EventEnvelope<PaymentCompleted> event = EventEnvelope.of(new PaymentCompleted("pay-x", "twice", PaymentPurpose.ADDON,
                "addon:" + id, 200, "EUR", "credit_card", clock.instant()), clock.instant());
        publish("twice", event);
        awaitProcessed(event.eventId());
        Instant activatedAt = clock.instant();
        clock.advance(Duration.ofDays(2));
        publish("twice", event);
        publish("twice", event);
        UUID marker = publishCompleted("twice", PaymentPurpose.PLAN_UPGRADE, "plan:nothing", "pay-marker");
        awaitProcessed(marker);

        Map<String, Object> row = queryOne("SELECT status, activated_at, expires_at FROM addons WHERE id = ?", UUID.fromString(id));
        assertThat(row.get("status")).isEqualTo("active");
        assertThat(instant(row.get("activated_at"))).isEqualTo(activatedAt);
        assertThat(instant(row.get("expires_at"))).isEqualTo(activatedAt.plus(Duration.ofDays(30)));
        assertThat(count("SELECT count(*) FROM processed_events WHERE event_id = ?", event.eventId())).isEqualTo(1);
        List<EntitlementsChanged> snapshots = snapshotsOf("twice");
        assertThat(snapshots).extracting(EntitlementsChanged::version).containsExactly(1L, 2L);
        assertThat(snapshots.getLast().limits().ramMb()).isEqualTo(2048 + 1000);
    }

    @Test
    void aCompletedPlanUpgradeMakesTheTeamProOnceAndARenewalExtendsItByAPeriod() throws Exception {
        EventEnvelope<PaymentCompleted> upgrade = EventEnvelope.of(new PaymentCompleted("pay-up", "rising", PaymentPurpose.PLAN_UPGRADE,
                "plan:pro", 900, "EUR", "credit_card", clock.instant()), clock.instant());
        publish("rising", upgrade);
        publish("rising", upgrade);
        awaitProcessed(upgrade.eventId());
        clock.advance(Duration.ofDays(10));
        awaitProcessed(publishCompleted("rising", PaymentPurpose.RENEWAL, "plan:pro", "pay-renew"));

        Map<String, Object> team = queryOne("SELECT plan, pro_valid_until, entitlements_version FROM teams WHERE slug = 'rising'");
        assertThat(team.get("plan")).isEqualTo("pro");
        assertThat(instant(team.get("pro_valid_until"))).isEqualTo(START.plus(Duration.ofDays(60)));
        assertThat(team.get("entitlements_version")).isEqualTo(2L);
        List<EntitlementsChanged> snapshots = snapshotsOf("rising");
        assertThat(snapshots).extracting(EntitlementsChanged::version).containsExactly(1L, 2L);
        assertThat(snapshots.getFirst().plan()).isEqualTo("pro");
        assertThat(snapshots.getFirst().validUntil()).isEqualTo(START.plus(Duration.ofDays(30)));
        assertThat(snapshots.getLast().validUntil()).isEqualTo(START.plus(Duration.ofDays(60)));
        assertThat(snapshots.getLast().limits().trafficBytesPerMonth()).isEqualTo(100 * GB);
    }

    @Test
    void failedOrCancelledPaymentsEndThePendingAddon() throws Exception {
        makePro("declined");
        String failed = purchase("declined", "ram", 1);
        String cancelled = purchase("declined", "cpu", 1);
        awaitProcessed(publishFailed("declined", PaymentPurpose.ADDON, "addon:" + failed, "pay-f"),
                publishCancelled("declined", PaymentPurpose.ADDON, "addon:" + cancelled, "pay-c"));
        assertThat(queryOne("SELECT status FROM addons WHERE id = ?", UUID.fromString(failed))).containsEntry("status", "failed");
        assertThat(queryOne("SELECT status FROM addons WHERE id = ?", UUID.fromString(cancelled))).containsEntry("status", "cancelled");
        assertThat(snapshotsOf("declined")).hasSize(1);
    }

    @Test
    void limitsAddThePlanAndEachActiveAddonAndTheSnapshotCarriesTheSameTotals() throws Exception {
        makePro("sums");
        String ram = activeAddon("sums", "ram", 2);
        activeAddon("sums", "traffic", 3);
        activeAddon("sums", "cpu", 1);
        purchase("sums", "storage", 5);

        client().get().uri("/api/resources/{team}/limits", "sums")
                .header("Authorization", bearer(TestTokens.member("sums")))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.plan").isEqualTo("pro")
                .jsonPath("$.valid_until").isEqualTo("2030-02-09T05:00:00Z")
                .jsonPath("$.items.length()").isEqualTo(4)
                .jsonPath("$.items[0].source").isEqualTo("plan")
                .jsonPath("$.items[?(@.id == '%s')].ram_mb".formatted(ram)).isEqualTo(1000)
                .jsonPath("$.items[?(@.id == '%s')].quantity".formatted(ram)).isEqualTo(2)
                .jsonPath("$.items[?(@.id == '%s')].expires_at".formatted(ram)).isEqualTo("2030-02-09T05:00:00Z")
                .jsonPath("$.totals.ram_mb").isEqualTo(2048 + 1000)
                .jsonPath("$.totals.cpu_cores").isEqualTo(3)
                .jsonPath("$.totals.traffic_bytes").isEqualTo(100 * GB + 30 * GB)
                .jsonPath("$.totals.storage_bytes").isEqualTo(20 * GB);

        EntitlementsChanged last = lastSnapshotOf("sums");
        assertThat(last.version()).isEqualTo(4);
        assertThat(last.limits().ramMb()).isEqualTo(3048);
        assertThat(last.limits().cpuCores()).isEqualTo(3);
        assertThat(last.limits().trafficBytesPerMonth()).isEqualTo(130 * GB);
        assertThat(last.limits().storageBytes()).isEqualTo(20 * GB);
    }

    @Test
    void aTeamTheServiceNeverSawIsOnFree() {
        client().get().uri("/api/resources/{team}/limits", "newcomer")
                .header("Authorization", bearer(TestTokens.member("newcomer")))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.plan").isEqualTo("free")
                .jsonPath("$.valid_until").doesNotExist()
                .jsonPath("$.totals.traffic_bytes").isEqualTo(10 * GB)
                .jsonPath("$.totals.storage_bytes").isEqualTo(GB)
                .jsonPath("$.totals.ram_mb").isEqualTo(512)
                .jsonPath("$.totals.cpu_cores").isEqualTo(1);
    }

    @Test
    void cancellingStopsRenewalButTheAddonStaysActiveUntilItExpires() throws Exception {
        makePro("quitter");
        String id = activeAddon("quitter", "ram", 1);
        long versionBefore = lastSnapshotOf("quitter").version();
        client().delete().uri("/api/resources/quitter/cancel/{id}", id)
                .header("Authorization", bearer(TestTokens.forTeam("quitter", TeamRole.ADMIN)))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("active")
                .jsonPath("$.auto_renew").isEqualTo(false)
                .jsonPath("$.expires_at").isEqualTo("2030-02-09T05:00:00Z");
        client().get().uri("/api/resources/quitter/limits").header("Authorization", bearer(TestTokens.member("quitter")))
                .exchange().expectBody().jsonPath("$.totals.ram_mb").isEqualTo(2548);
        assertThat(lastSnapshotOf("quitter").version()).isEqualTo(versionBefore);
    }

    @Test
    void anotherTeamsAddonIdIsNotFound() throws Exception {
        makePro("owner-a");
        String id = activeAddon("owner-a", "ram", 1);
        client().delete().uri("/api/resources/owner-b/cancel/{id}", id).header("Authorization", bearer(ownerOf("owner-b")))
                .exchange().expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        client().delete().uri("/api/resources/owner-b/cancel/not-a-uuid").header("Authorization", bearer(ownerOf("owner-b")))
                .exchange().expectStatus().isNotFound();
        client().get().uri("/api/resources/owner-b/quote?purpose=addon&reference=addon:{id}", id)
                .header("Authorization", bearer(TestTokens.member("owner-b")))
                .exchange().expectStatus().isNotFound();
        assertThat(queryOne("SELECT auto_renew FROM addons WHERE id = ?", UUID.fromString(id))).containsEntry("auto_renew", true);
        assertThat(count("SELECT count(*) FROM teams WHERE slug = 'owner-b'")).isZero();
    }

    @Test
    void quoteTellsPaymentServiceWhatToChargeFromTheServerSideCatalog() {
        makePro("quoted");
        String pending = purchase("quoted", "cpu", 3);
        WebTestClient client = client();
        String member = bearer(TestTokens.member("quoted"));
        client.get().uri("/api/resources/quoted/quote?purpose=plan_upgrade&reference=plan:pro").header("Authorization", member)
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.amount_minor").isEqualTo(900)
                .jsonPath("$.currency").isEqualTo("EUR")
                .jsonPath("$.description").value(d -> assertThat((String) d).contains("Pro"));
        client.get().uri("/api/resources/quoted/quote?purpose=addon&reference=addon:{id}", pending).header("Authorization", member)
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.amount_minor").isEqualTo(600)
                .jsonPath("$.currency").isEqualTo("EUR");
        client.get().uri("/api/resources/quoted/quote?purpose=renewal&reference=addon:{id}", pending).header("Authorization", member)
                .exchange().expectStatus().isEqualTo(409);
        client.get().uri("/api/resources/quoted/quote?purpose=addon&reference=addon:{id}", UUID.randomUUID()).header("Authorization", member)
                .exchange().expectStatus().isNotFound();
        client.get().uri("/api/resources/quoted/quote?purpose=addon&reference=plan:enterprise").header("Authorization", member)
                .exchange().expectStatus().isNotFound();
        client.get().uri("/api/resources/quoted/quote?purpose=refund&reference=plan:pro").header("Authorization", member)
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("purpose");
        client.get().uri("/api/resources/quoted/quote?purpose=addon").header("Authorization", member)
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("reference");
        client.get().uri("/api/resources/quoted/quote?purpose=addon&reference=addon:{id}", "x".repeat(195)).header("Authorization", member)
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("reference");
    }

    @Test
    void upgradeStartsTheProPaymentThroughPaymentServiceAndTheCompletionMakesTheTeamPro() throws Exception {
        String owner = ownerOf("upgrader");
        client().post().uri("/api/resources/upgrader/upgrade").header("Authorization", bearer(owner))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("payment_method", "credit_card"))
                .exchange().expectStatus().isAccepted().expectBody()
                .jsonPath("$.payment_id").isEqualTo("pay-1")
                .jsonPath("$.next_action.url").isEqualTo("https://pay.example/checkout/1");
        PAYMENT_SERVICE.verify(1, postRequestedFor(urlPathEqualTo("/api/payments/upgrader/initiate"))
                .withHeader("Authorization", equalTo("Bearer " + owner))
                .withRequestBody(equalToJson("""
                        {"purpose": "plan_upgrade", "reference": "plan:pro", "payment_method": "credit_card", "phone": null}""")));
        assertThat(count("SELECT count(*) FROM teams WHERE slug = 'upgrader'")).isZero();

        awaitProcessed(publishCompleted("upgrader", PaymentPurpose.PLAN_UPGRADE, "plan:pro", "pay-1"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(lastSnapshotOf("upgrader")).isNotNull());
        assertThat(lastSnapshotOf("upgrader").isPro()).isTrue();
        client().post().uri("/api/resources/upgrader/upgrade").header("Authorization", bearer(owner))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("payment_method", "mobile_money"))
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("phone");
        client().post().uri("/api/resources/upgrader/upgrade").header("Authorization", bearer(owner))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("payment_method", "mobile_money", "phone", "+" + "1".repeat(30)))
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("phone");
    }
}
