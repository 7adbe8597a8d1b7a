package io.servelink.resources;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.entitlements.EntitlementsChanged;
import io.servelink.contracts.events.payments.PaymentCompleted;
import io.servelink.contracts.events.payments.PaymentPurpose;
import io.servelink.contracts.security.PlatformRole;
import io.servelink.infra.test.TestTokens;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

/** The 05:00 job with a clock the test moves (expiry, renewal, Pro lapse), and a team hammered from all sides at once. */
class ExpiryRenewalAndConcurrencyIT extends ResourcesITSupport {

    /** Runs the job as an operator; answers the run's figures. */
    private Map<?, ?> runJob() {
        Map<?, ?> run = client().post().uri("/api/resources/admin/jobs/expiry")
                .header("Authorization", bearer(TestTokens.platform(PlatformRole.OPERATOR)))
                .exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(run.get("job")).isEqualTo("expiry");
        assertThat(run.get("ran")).isEqualTo(true);
        return (Map<?, ?>) ((Map<?, ?>) run.get("result")).get("figures");
    }

    private Map<String, Object> addonRow(String id) throws Exception {
        return queryOne("SELECT status, auto_renew, expires_at, renewal_payment_id, renewal_next_action::text AS next_action "
                + "FROM addons WHERE id = ?", UUID.fromString(id));
    }

    @Test
    void theJobNeedsTheOperatorRole() {
        client().post().uri("/api/resources/admin/jobs/expiry").header("Authorization", bearer(TestTokens.platform(PlatformRole.SUPPORT_AGENT)))
                .exchange().expectStatus().isForbidden();
        client().post().uri("/api/resources/admin/jobs/expiry").header("Authorization", bearer(ownerOf("any")))
                .exchange().expectStatus().isForbidden();
    }

    @Test
    void theSharedEventRetentionJobRunsHereToo() {
        client().post().uri("/api/resources/admin/jobs/event-retention")
                .header("Authorization", bearer(TestTokens.platform(PlatformRole.OPERATOR)))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.job").isEqualTo("event-retention")
                .jsonPath("$.result.figures.outbox_rows_deleted").isEqualTo(0);
    }

    @Test
    void anAddonWhoseTimeIsUpExpiresAndTheTeamsLimitsArePublishedWithoutIt() throws Exception {
        makePro("short");
        String id = activeAddon("short", "ram", 1);
        client().delete().uri("/api/resources/short/cancel/{id}", id).header("Authorization", bearer(ownerOf("short")))
                .exchange().expectStatus().isOk();
        assertThat(lastSnapshotOf("short").limits().ramMb()).isEqualTo(2548);
        PAYMENT_SERVICE.resetRequests();

        clock.set(START.plus(Duration.ofDays(30)).minusSeconds(1));
        runJob();
        assertThat(addonRow(id)).containsEntry("status", "active");

        clock.set(START.plus(Duration.ofDays(30)));
        Map<?, ?> report = runJob();
        assertThat((Integer) report.get("expired_addons")).isGreaterThanOrEqualTo(1);
        assertThat(addonRow(id)).containsEntry("status", "expired");
        EntitlementsChanged last = lastSnapshotOf("short");
        assertThat(last.limits().ramMb()).isEqualTo(2048);
        assertThat(last.plan()).isEqualTo("pro");
        assertThat(last.version()).isEqualTo(3);
        client().get().uri("/api/resources/short/limits").header("Authorization", bearer(TestTokens.member("short")))
                .exchange().expectBody().jsonPath("$.items.length()").isEqualTo(1).jsonPath("$.totals.ram_mb").isEqualTo(2048);
        PAYMENT_SERVICE.verify(0, postRequestedFor(urlPathEqualTo("/api/payments/short/initiate")));
    }

    @Test
    void theJobStartsTheRenewalPaymentWithTheServiceCredentialAndAPaidRenewalExtendsTheAddon() throws Exception {
        makePro("renewer");
        String id = activeAddon("renewer", "storage", 2);
        PAYMENT_SERVICE.resetRequests();
        stubInitiate("pay-renewal", Map.of("type", "redirect", "url", "https://pay.example/renew"));

        clock.set(START.plus(Duration.ofDays(27)).minusSeconds(1));
        runJob();
        PAYMENT_SERVICE.verify(0, postRequestedFor(urlPathEqualTo("/api/payments/renewer/initiate")));

        clock.set(START.plus(Duration.ofDays(27)));
        runJob();
        runJob();
        PAYMENT_SERVICE.verify(1, postRequestedFor(urlPathEqualTo("/api/payments/renewer/initiate"))
                .withHeader("Idempotency-Key", matching("renewal:addon:" + id + ":\\d+"))
                .withRequestBody(equalToJson("""
                        {"purpose": "renewal", "reference": "addon:%s", "payment_method": "credit_card", "phone": null}""".formatted(id))));
        LoggedRequest call = PAYMENT_SERVICE.findAll(postRequestedFor(urlPathEqualTo("/api/payments/renewer/initiate"))).getFirst();
        String serviceToken = call.getHeader("Authorization").substring("Bearer ".length());
        Map<?, ?> claims = JsonMapper.builder().build().readValue(
                new String(Base64.getUrlDecoder().decode(serviceToken.split("\\.")[1]), StandardCharsets.UTF_8), Map.class);
        assertThat(claims.get("sub")).isEqualTo("service:resources-service");
        assertThat((String) claims.get("scope")).contains("payments:renew").contains("resources:quote");
        assertThat((Map<?, ?>) claims.get("teams")).isEmpty();

        Map<String, Object> row = addonRow(id);
        assertThat(row).containsEntry("status", "active").containsEntry("renewal_payment_id", "pay-renewal");
        assertThat((String) row.get("next_action")).contains("https://pay.example/renew");
        client().get().uri("/api/resources/renewer/list").header("Authorization", bearer(TestTokens.member("renewer")))
                .exchange().expectBody()
                .jsonPath("$[0].renewal.payment_id").isEqualTo("pay-renewal")
                .jsonPath("$[0].renewal.next_action.url").isEqualTo("https://pay.example/renew");

        // payment-service prices the renewal with the same service token; the token opens nothing else
        client().get().uri("/api/resources/renewer/quote?purpose=renewal&reference=addon:{id}", id).header("Authorization", bearer(serviceToken))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.amount_minor").isEqualTo(200);
        client().get().uri("/api/resources/renewer/quote?purpose=plan_upgrade&reference=plan:pro").header("Authorization", bearer(serviceToken))
                .exchange().expectStatus().isForbidden();
        client().get().uri("/api/resources/renewer/limits").header("Authorization", bearer(serviceToken))
                .exchange().expectStatus().isForbidden();

        awaitProcessed(publishCompleted("renewer", PaymentPurpose.RENEWAL, "addon:" + id, "pay-renewal"));
        row = addonRow(id);
        assertThat(instant(row.get("expires_at"))).isEqualTo(START.plus(Duration.ofDays(60)));
        assertThat(row.get("renewal_payment_id")).isNull();
        assertThat(lastSnapshotOf("renewer").version()).isEqualTo(3);
    }

    @Test
    void anUnpaidRenewalLetsTheAddonExpire() throws Exception {
        makePro("unpaid");
        awaitProcessed(publishCompleted("unpaid", PaymentPurpose.RENEWAL, "plan:pro", "pay-pro-2"));
        String id = activeAddon("unpaid", "cpu", 1);
        clock.set(START.plus(Duration.ofDays(28)));
        runJob();
        assertThat(addonRow(id)).containsEntry("renewal_payment_id", "pay-1");

        awaitProcessed(publishFailed("unpaid", PaymentPurpose.RENEWAL, "addon:" + id, "pay-1"));
        assertThat(addonRow(id)).containsEntry("status", "active").containsEntry("renewal_payment_id", null);

        clock.set(START.plus(Duration.ofDays(30)));
        runJob();
        assertThat(addonRow(id)).containsEntry("status", "expired");
        assertThat(lastSnapshotOf("unpaid").limits().cpuCores()).isEqualTo(2);
    }

    @Test
    void proFallsBackToFreeOnlyAfterTheGracePeriodAndItsAddonsStopRenewingButRunToTheirEnd() throws Exception {
        makePro("lapsing");
        clock.set(START.plus(Duration.ofDays(20)));
        String id = activeAddon("lapsing", "traffic", 1);

        clock.set(START.plus(Duration.ofDays(33)).minusSeconds(1));
        runJob();
        assertThat(queryOne("SELECT plan FROM teams WHERE slug = 'lapsing'")).containsEntry("plan", "pro");

        clock.set(START.plus(Duration.ofDays(33)));
        Map<?, ?> report = runJob();
        assertThat((Integer) report.get("lapsed_teams")).isGreaterThanOrEqualTo(1);
        assertThat(queryOne("SELECT plan, pro_valid_until FROM teams WHERE slug = 'lapsing'"))
                .containsEntry("plan", "free").containsEntry("pro_valid_until", null);
        assertThat(addonRow(id)).containsEntry("status", "active").containsEntry("auto_renew", false);
        EntitlementsChanged last = lastSnapshotOf("lapsing");
        assertThat(last.plan()).isEqualTo("free");
        assertThat(last.validUntil()).isNull();
        assertThat(last.limits().trafficBytesPerMonth()).isEqualTo(10_000_000_000L + 10_000_000_000L);

        clock.set(START.plus(Duration.ofDays(48)));
        runJob();
        PAYMENT_SERVICE.verify(0, postRequestedFor(urlPathEqualTo("/api/payments/lapsing/initiate"))
                .withRequestBody(matching(".*renewal.*")));
        client().post().uri("/api/resources/lapsing/purchase").header("Authorization", bearer(ownerOf("lapsing")))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("resource_type", "ram", "quantity", 1, "payment_method", "credit_card"))
                .exchange().expectStatus().isForbidden();
        clock.set(START.plus(Duration.ofDays(50)));
        runJob();
        assertThat(addonRow(id)).containsEntry("status", "expired");
        assertThat(lastSnapshotOf("lapsing").limits().trafficBytesPerMonth()).isEqualTo(10_000_000_000L);
    }

    @Test
    void everyWriterWaitsForTheTeamsRowLock() throws Exception {
        makePro("locked");
        String id = activeAddon("locked", "ram", 1);
        try (var connection = infra.openConnection()) {
            connection.setAutoCommit(false);
            try (var statement = connection.prepareStatement("SELECT slug FROM teams WHERE slug = 'locked' FOR UPDATE")) {
                statement.executeQuery();
            }
            CompletableFuture<Integer> cancel = WebClient.create("http://localhost:" + port).delete()
                    .uri("/api/resources/locked/cancel/{id}", id).header("Authorization", bearer(ownerOf("locked")))
                    .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value())).toFuture();
            UUID event = publishCompleted("locked", PaymentPurpose.RENEWAL, "addon:" + id, "pay-r");
            // both writers are in the database, each waiting for the lock this test holds
            await().atMost(Duration.ofSeconds(20)).until(() -> count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    + "AND wait_event_type = 'Lock'") >= 2);
            assertThat(cancel).isNotDone();
            assertThat(count("SELECT count(*) FROM processed_events WHERE event_id = ?", event)).isZero();
            connection.commit();
            assertThat(cancel.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(200);
            awaitProcessed(event);
        }
        assertThat(addonRow(id)).containsEntry("auto_renew", false);
        assertThat(instant(addonRow(id).get("expires_at"))).isEqualTo(START.plus(Duration.ofDays(60)));
    }

    @Test
    void concurrentPurchasesCancelsAndDuplicatePaymentEventsLeaveTheTeamConsistent() throws Exception {
        String team = "crowd";
        makePro(team);
        WebClient web = WebClient.create("http://localhost:" + port);
        String owner = bearer(ownerOf(team));
        List<String> ids = Flux.range(0, 20)
                .flatMap(i -> web.post().uri("/api/resources/{team}/purchase", team).header("Authorization", owner)
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("resource_type", "ram", "quantity", 1, "payment_method", "credit_card"))
                        .retrieve().bodyToMono(Map.class)
                        .map(body -> (String) ((Map<?, ?>) body.get("addon")).get("id")), 20)
                .collectList().block(Duration.ofSeconds(30));
        assertThat(ids).hasSize(20).doesNotHaveDuplicates();

        List<EventEnvelope<PaymentCompleted>> completions = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            completions.add(EventEnvelope.of(new PaymentCompleted("pay-" + i, team, PaymentPurpose.ADDON, "addon:" + ids.get(i),
                    100, "EUR", "credit_card", clock.instant()), clock.instant()));
        }
        // owners keep cancelling add-ons 5..14 for ~1 s while the payment events (each delivered twice) arrive
        CompletableFuture<List<Integer>> cancels = CompletableFuture.supplyAsync(() -> Flux.range(0, 40)
                .delayElements(Duration.ofMillis(25))
                .flatMap(tick -> Flux.range(5, 10).flatMap(i -> web.delete().uri("/api/resources/{team}/cancel/{id}", team, ids.get(i))
                        .header("Authorization", owner)
                        .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()))), 4)
                .collectList().block(Duration.ofSeconds(60)));
        List<UUID> events = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 10; i++) {
                events.add(publish(team, completions.get(i)));
                if (round == 0 && i < 5) {
                    events.add(publishFailed(team, PaymentPurpose.ADDON, "addon:" + ids.get(10 + i), "pay-" + (10 + i)));
                }
                Thread.sleep(40);
            }
        }
        assertThat(cancels.get()).allMatch(status -> status == 200 || status == 409);
        awaitProcessed(events.toArray(UUID[]::new));

        for (int i = 0; i < 20; i++) {
            Map<String, Object> row = addonRow(ids.get(i));
            if (i < 5) {
                assertThat(row).containsEntry("status", "active").containsEntry("auto_renew", true);
            } else if (i < 10) {
                assertThat(row).containsEntry("status", "active").containsEntry("auto_renew", false);
            } else if (i < 15) {
                assertThat(row.get("status")).isIn("failed", "cancelled");
            } else {
                assertThat(row).containsEntry("status", "pending");
            }
            if ("active".equals(row.get("status"))) {
                assertThat(instant(row.get("expires_at"))).isEqualTo(START.plus(Duration.ofDays(30)));
            }
        }
        assertThat(queryOne("SELECT entitlements_version FROM teams WHERE slug = ?", team)).containsEntry("entitlements_version", 11L);
        List<EntitlementsChanged> snapshots = snapshotsOf(team);
        assertThat(snapshots).extracting(EntitlementsChanged::version)
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
        assertThat(snapshots).extracting(s -> s.limits().ramMb())
                .containsExactly(2048L, 2548L, 3048L, 3548L, 4048L, 4548L, 5048L, 5548L, 6048L, 6548L, 7048L);
        Map<?, ?> limits = client().get().uri("/api/resources/{team}/limits", team).header("Authorization", owner)
                .exchange().expectBody(Map.class).returnResult().getResponseBody();
        Map<?, ?> totals = (Map<?, ?>) limits.get("totals");
        EntitlementsChanged last = snapshots.getLast();
        assertThat(((Number) totals.get("ram_mb")).longValue()).isEqualTo(last.limits().ramMb());
        assertThat(((Number) totals.get("traffic_bytes")).longValue()).isEqualTo(last.limits().trafficBytesPerMonth());
        assertThat(((Number) totals.get("storage_bytes")).longValue()).isEqualTo(last.limits().storageBytes());
        assertThat(((Number) totals.get("cpu_cores")).intValue()).isEqualTo(last.limits().cpuCores());
        assertThat(((Number) limits.get("version")).longValue()).isEqualTo(last.version());
    }
}
