package io.servelink.payment.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
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

import io.servelink.contracts.security.PlatformRole;
import io.servelink.infra.test.TestTokens;
import io.servelink.payment.PaymentItSupport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * FedaPay Mobile Money in XOF against WireMock. The stub bodies follow FedaPay's documented examples:
 * <ul>
 *   <li>create and retrieve a transaction, the {@code "v1/transaction"} envelope and its fields
 *       (https://docs.fedapay.com/api-reference/transactions/create, .../transactions/get, and the answers in FedaPay's
 *       own SDK test https://github.com/fedapay/fedapay-node/blob/master/test/TransactionTest.ts);</li>
 *   <li>the token ({@code {"token", "url"}}, https://docs.fedapay.com/api-reference/transactions/get-payment-link);</li>
 *   <li>sending the prompt, {@code POST /v1/{mode}} with the token (https://docs.fedapay.com/api-reference/transactions/send-payment,
 *       modes from https://docs.fedapay.com/payment-methods/fr/payment-methods-fr);</li>
 *   <li>search (https://docs.fedapay.com/api-reference/transactions/get-all: a list of transactions with
 *       {@code merchant_reference});</li>
 *   <li>webhooks: {@code {"name": "transaction.approved", "entity": <transaction>}} signed
 *       {@code X-FEDAPAY-SIGNATURE: t=…,s=…} (https://docs.fedapay.com/en/integration-api/webhooks and the verification in
 *       https://github.com/fedapay/fedapay-php/blob/master/lib/WebhookSignature.php).</li>
 * </ul>
 */
class FedaPayAdapterIT extends PaymentItSupport {

    private static final String FEDAPAY_SECRET = "wh_sandbox_test_secret";
    private static final TimestampedSignature FEDAPAY_SIGNER = new TimestampedSignature("s", FEDAPAY_SECRET, Duration.ofMinutes(5));
    private static final String MTN_BENIN_PHONE = "+22997000001";
    private static final java.util.concurrent.atomic.AtomicLong IDS = new java.util.concurrent.atomic.AtomicLong(104);

    /** This test's FedaPay transaction id (a provider id belongs to one payment only). */
    private final long tx = IDS.getAndIncrement();

    @DynamicPropertySource
    static void fedapay(DynamicPropertyRegistry registry) {
        registry.add("servelink.payment.providers.fedapay.enabled", () -> "true");
        registry.add("servelink.payment.providers.fedapay.base-url", wiremock::baseUrl);
        registry.add("servelink.payment.providers.fedapay.api-key", () -> "sk_sandbox_test");
        registry.add("servelink.payment.providers.fedapay.webhook-secret", () -> FEDAPAY_SECRET);
        registry.add("servelink.payment.providers.fedapay.default-mode", () -> "moov");
        registry.add("servelink.payment.providers.fedapay.modes[0].prefix", () -> "+22997");
        registry.add("servelink.payment.providers.fedapay.modes[0].mode", () -> "mtn_open");
        // every Mobile Money payment goes to FedaPay, whatever the currency: a currency it does not take is refused
        registry.add("servelink.payment.providers.routes[0].method", () -> "mobile_money");
        registry.add("servelink.payment.providers.routes[0].provider", () -> "fedapay");
        registry.add("resilience4j.timelimiter.instances.fedapay.timeout-duration", () -> "1500ms");
        registry.add("resilience4j.retry.instances.fedapay-create.wait-duration", () -> "50ms");
        registry.add("resilience4j.retry.instances.fedapay-read.wait-duration", () -> "50ms");
        registry.add("servelink.payment.reconciliation.min-age", () -> "0s");
    }

    // ---- FedaPay's answers, from its documented examples ----------------------------------------------------------

    /** A transaction as FedaPay describes it, with our reference and metadata. */
    private static String transaction(long id, String status, long amount, String paymentId) {
        return """
                {"klass": "v1/transaction", "id": %d, "transaction_key": "0KJAU01", "reference": "trx_%d",
                 "amount": %d, "description": "Pro plan, 30 days", "callback_url": "http://localhost:8080/billing/payments/%s",
                 "status": "%s", "customer_id": 1, "currency_id": 1, "currency": {"iso": "XOF"}, "mode": "mtn_open",
                 "merchant_reference": "%s", "custom_metadata": {"payment_id": "%s", "team_slug": "acme"},
                 "created_at": "2026-11-24T10:15:30.969Z", "updated_at": "2026-11-24T10:15:%02d.969Z", "last_error_code": null}"""
                .formatted(id, id, amount, paymentId, status, paymentId, paymentId, 30 + status.length());
    }

    /** FedaPay creates the transaction as {@link #tx}, echoing what it was sent (the "v1/transaction" envelope). */
    private void fedapayCreates() {
        wiremock.stubFor(post(urlEqualTo("/v1/transactions")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withTransformers("response-template")
                .withBody(templatedTransaction("{{jsonPath request.body '$.merchant_reference'}}",
                        "{{jsonPath request.body '$.amount'}}"))));
    }

    private String templatedTransaction(String reference, String amount) {
        return """
                {"v1/transaction": {"klass": "v1/transaction", "id": %d, "reference": "trx_%d", "amount": %s,
                 "description": "Pro plan, 30 days", "status": "pending", "currency_id": 1, "currency": {"iso": "XOF"},
                 "merchant_reference": "%s", "custom_metadata": {"payment_id": "%s", "team_slug": "acme"},
                 "created_at": "2026-11-24T10:15:30.969Z", "updated_at": "2026-11-24T10:15:30.969Z"}}"""
                .formatted(tx, tx, amount, reference, reference);
    }

    private void fedapayTokenAndPush(String mode) {
        wiremock.stubFor(post(urlEqualTo("/v1/transactions/" + tx + "/token")).willReturn(okJson("""
                {"token": "PAYEMENT_TOKEN", "url": "https://process.fedapay.com/PAYEMENT_TOKEN"}""")));
        wiremock.stubFor(post(urlEqualTo("/v1/" + mode)).willReturn(okJson("""
                {"reference": "pi_xdc_123456", "amount": 5000, "status": "pending", "mode": "automatic",
                 "last_error_code": "NO_ERROR", "transaction_key": "TRANSACTION-XYZ"}""")));
    }

    private String pendingFedaPayPayment() {
        quote(TEAM, "plan:pro", 5000, "XOF", "Pro plan, 30 days");
        fedapayCreates();
        fedapayTokenAndPush("mtn_open");
        return (String) initiate(TEAM, TestTokens.owner(TEAM), "plan:pro", "mobile_money", MTN_BENIN_PHONE).get("payment_id");
    }

    private WebTestClient.ResponseSpec deliverFedaPay(String body, String signatureHeader) {
        WebTestClient.RequestBodySpec request = client().post().uri("/api/webhooks/fedapay").contentType(MediaType.APPLICATION_JSON);
        if (signatureHeader != null) {
            request = request.header("X-FEDAPAY-SIGNATURE", signatureHeader);
        }
        return request.bodyValue(body.getBytes(StandardCharsets.UTF_8)).exchange();
    }

    private WebTestClient.ResponseSpec deliverFedaPaySigned(String body) {
        return deliverFedaPay(body, FEDAPAY_SIGNER.sign(Instant.now().getEpochSecond(), body.getBytes(StandardCharsets.UTF_8)));
    }

    private static String event(String name, String transaction) {
        return """
                {"name": "%s", "object": "transaction", "entity": %s}""".formatted(name, transaction);
    }

    private String column(String column, String paymentId) {
        return queryString("SELECT " + column + " FROM payments WHERE id = ?", UUID.fromString(paymentId));
    }

    // ---- create -----------------------------------------------------------------------------------------------------

    @Test
    void createsTheTransactionInWholeFrancsThenPushesThePromptWithTheOperatorsMode() {
        // source: https://docs.fedapay.com/api-reference/transactions/create, .../get-payment-link, .../send-payment; modes: https://docs.fedapay.com/payment-methods/fr/payment-methods-fr
        String paymentId = pendingFedaPayPayment();

        assertThat(column("provider", paymentId)).isEqualTo("fedapay");
        assertThat(column("provider_payment_id", paymentId)).isEqualTo(Long.toString(tx));
        wiremock.verify(1, postRequestedFor(urlEqualTo("/v1/transactions"))
                .withHeader("Authorization", equalTo("Bearer sk_sandbox_test"))
                .withRequestBody(matchingJsonPath("$.amount", equalTo("5000")))
                .withRequestBody(matchingJsonPath("$.currency.iso", equalTo("XOF")))
                .withRequestBody(matchingJsonPath("$.merchant_reference", equalTo(paymentId)))
                .withRequestBody(matchingJsonPath("$.custom_metadata.payment_id", equalTo(paymentId)))
                .withRequestBody(matchingJsonPath("$.customer.phone_number.number", equalTo(MTN_BENIN_PHONE))));
        wiremock.verify(1, postRequestedFor(urlEqualTo("/v1/transactions/" + tx + "/token")));
        // +22997 is configured as MTN Benin: the prompt goes through mtn_open, with the token
        wiremock.verify(1, postRequestedFor(urlEqualTo("/v1/mtn_open"))
                .withRequestBody(equalToJson("""
                        {"token": "PAYEMENT_TOKEN", "phone_number": {"number": "%s"}}""".formatted(MTN_BENIN_PHONE))));
        status(paymentId, TestTokens.owner(TEAM)).expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("pending")
                .jsonPath("$.amount_minor").isEqualTo(5000)
                .jsonPath("$.next_action.type").isEqualTo("push");
    }

    @Test
    void usesTheDefaultModeForAPhoneOfNoConfiguredOperator() {
        // source: https://docs.fedapay.com/api-reference/transactions/send-payment (mode in the path)
        quote(TEAM, "plan:pro", 5000, "XOF", "Pro plan, 30 days");
        fedapayCreates();
        fedapayTokenAndPush("moov");

        initiate(TEAM, TestTokens.owner(TEAM), "plan:pro", "mobile_money", "+22895000001");

        wiremock.verify(1, postRequestedFor(urlEqualTo("/v1/moov")));
        wiremock.verify(0, postRequestedFor(urlEqualTo("/v1/mtn_open")));
    }

    @Test
    void refusesAPaymentInACurrencyFedaPayDoesNotTakeNamingTheFieldAndCallsNothing() {
        // source: https://docs.fedapay.com/en/integration-api/collects-management (amount in whole numbers, currency by ISO code)
        quote(TEAM, "plan:pro", 900, "EUR", "Pro plan, 30 days");
        fedapayCreates();

        client().post().uri("/api/payments/{team}/initiate", TEAM)
                .header("Authorization", "Bearer " + TestTokens.owner(TEAM))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("""
                        {"purpose": "plan_upgrade", "reference": "plan:pro", "payment_method": "mobile_money", "phone": "%s"}"""
                        .formatted(MTN_BENIN_PHONE))
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://problems.servelink.io/validation")
                .jsonPath("$.errors[0].field").isEqualTo("currency");

        wiremock.verify(0, postRequestedFor(urlEqualTo("/v1/transactions")));
        assertThat(queryLong("SELECT count(*) FROM payments WHERE team_slug = ? AND currency = 'EUR'", TEAM)).isZero();
    }

    @Test
    void aFedaPay5xxIsRetriedAfterLookingForTheTransactionByOurReferenceThen503AndThePaymentStaysPending() {
        // source: https://docs.fedapay.com/api-reference/transactions/get-all (search answers transactions with merchant_reference)
        quote(TEAM, "plan:f500", 5000, "XOF", "Pro plan, 30 days");
        wiremock.stubFor(post(urlEqualTo("/v1/transactions")).willReturn(aResponse().withStatus(500)));
        wiremock.stubFor(get(urlPathEqualTo("/v1/transactions/search")).willReturn(okJson("[]")));

        client().post().uri("/api/payments/{team}/initiate", TEAM)
                .header("Authorization", "Bearer " + TestTokens.owner(TEAM))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("""
                        {"purpose": "plan_upgrade", "reference": "plan:f500", "payment_method": "mobile_money", "phone": "%s"}"""
                        .formatted(MTN_BENIN_PHONE))
                .exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);

        String paymentId = queryString("SELECT id FROM payments WHERE reference = 'plan:f500'");
        wiremock.verify(3, postRequestedFor(urlEqualTo("/v1/transactions")));
        // each retry first asks whether an earlier attempt created it: FedaPay takes no idempotency key
        wiremock.verify(2, getRequestedFor(urlPathEqualTo("/v1/transactions/search")).withQueryParam("q", equalTo(paymentId)));
        assertThat(statusOf(paymentId)).isEqualTo("pending");
    }

    @Test
    void aCreateThatTimedOutIsFoundByOurReferenceOnTheRetryAndNeverCreatedTwice() {
        // source: https://docs.fedapay.com/api-reference/transactions/get-all (search answers transactions with merchant_reference)
        quote(TEAM, "plan:slow", 5000, "XOF", "Pro plan, 30 days");
        // FedaPay created the transaction but answered after our time limit (1.5 s)
        wiremock.stubFor(post(urlEqualTo("/v1/transactions")).willReturn(aResponse().withStatus(201).withFixedDelay(2_500)
                .withHeader("Content-Type", "application/json").withTransformers("response-template")
                .withBody(templatedTransaction("{{jsonPath request.body '$.merchant_reference'}}", "5000"))));
        wiremock.stubFor(get(urlPathEqualTo("/v1/transactions/search")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withTransformers("response-template")
                .withBody("[" + transaction(tx, "pending", 5000, "{{request.query.q}}") + "]")));
        fedapayTokenAndPush("mtn_open");

        String paymentId = (String) initiate(TEAM, TestTokens.owner(TEAM), "plan:slow", "mobile_money", MTN_BENIN_PHONE)
                .get("payment_id");

        wiremock.verify(1, postRequestedFor(urlEqualTo("/v1/transactions")));
        wiremock.verify(1, postRequestedFor(urlEqualTo("/v1/mtn_open")));
        assertThat(column("provider_payment_id", paymentId)).isEqualTo(Long.toString(tx));
        assertThat(statusOf(paymentId)).isEqualTo("pending");
    }

    @Test
    void aPromptFedaPayRefusesFailsThePaymentAndDeletesItsTransaction() {
        // source: https://docs.fedapay.com/api-reference/transactions/send-payment, .../transactions/delete
        quote(TEAM, "plan:refused", 5000, "XOF", "Pro plan, 30 days");
        fedapayCreates();
        wiremock.stubFor(post(urlEqualTo("/v1/transactions/" + tx + "/token")).willReturn(okJson("""
                {"token": "PAYEMENT_TOKEN", "url": "https://process.fedapay.com/PAYEMENT_TOKEN"}""")));
        wiremock.stubFor(post(urlEqualTo("/v1/mtn_open")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"message\": \"Invalid phone number\", \"errors\": {\"phone_number\": [\"is invalid\"]}}")));
        wiremock.stubFor(delete(urlEqualTo("/v1/transactions/" + tx)).willReturn(aResponse().withStatus(200)));

        client().post().uri("/api/payments/{team}/initiate", TEAM)
                .header("Authorization", "Bearer " + TestTokens.owner(TEAM))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("""
                        {"purpose": "plan_upgrade", "reference": "plan:refused", "payment_method": "mobile_money", "phone": "%s"}"""
                        .formatted(MTN_BENIN_PHONE))
                .exchange()
                .expectStatus().isEqualTo(502)
                .expectBody().jsonPath("$.type").isEqualTo("https://problems.servelink.io/provider-refused");

        String paymentId = queryString("SELECT id FROM payments WHERE reference = 'plan:refused'");
        assertThat(statusOf(paymentId)).isEqualTo("failed");
        assertThat(column("failure_reason", paymentId)).isEqualTo("provider_rejected");
        wiremock.verify(1, deleteRequestedFor(urlEqualTo("/v1/transactions/" + tx)));
    }

    // ---- webhooks ---------------------------------------------------------------------------------------------------

    @Test
    void anApprovedWebhookCompletesThePaymentOnceAndItsRedeliveryIsADuplicate() {
        // source: https://docs.fedapay.com/en/integration-api/webhooks (event name + entity), transaction statuses in https://github.com/fedapay/fedapay-php/blob/master/lib/Transaction.php
        String paymentId = pendingFedaPayPayment();
        String approved = event("transaction.approved", transaction(tx, "approved", 5000, paymentId));

        deliverFedaPaySigned(approved).expectStatus().isOk().expectBody()
                .jsonPath("$.outcome").isEqualTo("applied").jsonPath("$.payment_id").isEqualTo(paymentId);
        deliverFedaPaySigned(approved).expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("duplicate");

        assertThat(statusOf(paymentId)).isEqualTo("completed");
        assertThat(paymentEvents(paymentId)).singleElement().satisfies(r -> assertThat(typeOf(r)).isEqualTo("PaymentCompleted"));
        assertThat(queryLong("SELECT count(*) FROM payment_webhooks WHERE provider = 'fedapay' AND signature_ok "
                + "AND provider_payment_id = ?", Long.toString(tx))).isEqualTo(1);
    }

    @Test
    void aTransferredTransactionCountsAsCompleted() {
        // source: https://docs.fedapay.com/en/integration-api/webhooks (event name + entity), transaction statuses in https://github.com/fedapay/fedapay-php/blob/master/lib/Transaction.php
        String paymentId = pendingFedaPayPayment();

        deliverFedaPaySigned(event("transaction.transferred", transaction(tx, "transferred", 5000, paymentId)))
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("applied");

        assertThat(statusOf(paymentId)).isEqualTo("completed");
    }

    @Test
    void aDeclinedWebhookFailsThePaymentAsDeclinedByThePayer() {
        // source: https://docs.fedapay.com/en/integration-api/webhooks (event name + entity), transaction statuses in https://github.com/fedapay/fedapay-php/blob/master/lib/Transaction.php
        String paymentId = pendingFedaPayPayment();

        deliverFedaPaySigned(event("transaction.declined", transaction(tx, "declined", 5000, paymentId)))
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("applied");

        assertThat(statusOf(paymentId)).isEqualTo("failed");
        assertThat(column("failure_reason", paymentId)).isEqualTo("payer_declined");
    }

    @Test
    void anExpiredTransactionFailsThePaymentAsExpired() {
        // source: https://docs.fedapay.com/en/integration-api/webhooks (event name + entity); the status name "expired" is
        // an assumption FedaPay's reference does not spell out (docs/payments.md, FedaPay)
        String paymentId = pendingFedaPayPayment();

        deliverFedaPaySigned(event("transaction.expired", transaction(tx, "expired", 5000, paymentId)))
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("applied");

        assertThat(statusOf(paymentId)).isEqualTo("failed");
        assertThat(column("failure_reason", paymentId)).isEqualTo("expired");
    }

    @Test
    void aCanceledWebhookCancelsThePayment() {
        // source: https://docs.fedapay.com/en/integration-api/webhooks (event name + entity), transaction statuses in https://github.com/fedapay/fedapay-php/blob/master/lib/Transaction.php
        String paymentId = pendingFedaPayPayment();

        deliverFedaPaySigned(event("transaction.canceled", transaction(tx, "canceled", 5000, paymentId)))
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("applied");

        assertThat(statusOf(paymentId)).isEqualTo("cancelled");
    }

    @Test
    void aWebhookWithoutOurIdFindsThePaymentByFedaPaysIdEvenWhenAnotherProviderUsesTheSameId() {
        // source: https://docs.fedapay.com/en/integration-api/webhooks (event name + entity), transaction statuses in https://github.com/fedapay/fedapay-php/blob/master/lib/Transaction.php
        String paymentId = pendingFedaPayPayment();
        // a generic-contract payment whose provider happened to give it the same id
        String other = UUID.randomUUID().toString();
        execute("INSERT INTO payments (id, team_slug, purpose, reference, description, amount_minor, currency, method, status, "
                + "idempotency_key, provider_payment_id, initiated_by, created_at, updated_at, provider) "
                + "SELECT ?::uuid, team_slug, purpose, reference, description, amount_minor, currency, method, status, ?, "
                + "provider_payment_id, initiated_by, created_at, updated_at, 'generic' FROM payments WHERE id = ?::uuid",
                other, other, paymentId);
        String withoutOurId = event("transaction.approved", transaction(tx, "approved", 5000, paymentId)
                .replace("\"payment_id\": \"" + paymentId + "\", ", ""));

        deliverFedaPaySigned(withoutOurId).expectStatus().isOk().expectBody()
                .jsonPath("$.outcome").isEqualTo("applied").jsonPath("$.payment_id").isEqualTo(paymentId);

        assertThat(statusOf(paymentId)).isEqualTo("completed");
        assertThat(statusOf(other)).isEqualTo("pending");
    }

    @Test
    void aLateCreatedEventAfterTheApprovalIsIgnoredAsOutOfOrder() {
        // source: https://docs.fedapay.com/en/integration-api/webhooks (event name + entity), transaction statuses in https://github.com/fedapay/fedapay-php/blob/master/lib/Transaction.php
        String paymentId = pendingFedaPayPayment();
        deliverFedaPaySigned(event("transaction.approved", transaction(tx, "approved", 5000, paymentId))).expectStatus().isOk();

        deliverFedaPaySigned(event("transaction.created", transaction(tx, "pending", 5000, paymentId)))
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("ignored_out_of_order");

        assertThat(statusOf(paymentId)).isEqualTo("completed");
    }

    @Test
    void aWebhookWithAnotherAmountFlagsThePaymentAndNeverCompletesIt() {
        // source: https://docs.fedapay.com/en/integration-api/webhooks (event name + entity), transaction statuses in https://github.com/fedapay/fedapay-php/blob/master/lib/Transaction.php
        String paymentId = pendingFedaPayPayment();

        deliverFedaPaySigned(event("transaction.approved", transaction(tx, "approved", 50, paymentId)))
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("flagged_mismatch");

        assertThat(statusOf(paymentId)).isEqualTo("pending");
    }

    @Test
    void aWebhookWithABadSignatureIsRefusedWith401AndChangesNothing() {
        // source: https://github.com/fedapay/fedapay-php/blob/master/lib/WebhookSignature.php (t=…,s=…, 300 s tolerance)
        String paymentId = pendingFedaPayPayment();
        String approved = event("transaction.approved", transaction(tx, "approved", 5000, paymentId));
        long now = Instant.now().getEpochSecond();
        String forged = new TimestampedSignature("s", "not-the-secret", Duration.ofMinutes(5)).sign(now, approved.getBytes(StandardCharsets.UTF_8));

        deliverFedaPay(approved, forged).expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("https://problems.servelink.io/invalid-signature");
        deliverFedaPay(approved, null).expectStatus().isUnauthorized();
        deliverFedaPay(approved, "s=abc").expectStatus().isUnauthorized();

        assertThat(statusOf(paymentId)).isEqualTo("pending");
        assertThat(queryLong("SELECT count(*) FROM payment_webhooks WHERE provider = 'fedapay' AND NOT signature_ok "
                + "AND raw_body = ?", approved)).isEqualTo(3);
    }

    @Test
    void aWebhookSignedMoreThanFiveMinutesAgoIsRefusedAsAReplay() {
        // source: https://github.com/fedapay/fedapay-php/blob/master/lib/WebhookSignature.php (t=…,s=…, 300 s tolerance)
        String paymentId = pendingFedaPayPayment();
        String approved = event("transaction.approved", transaction(tx, "approved", 5000, paymentId));
        long sixMinutesAgo = Instant.now().minusSeconds(360).getEpochSecond();

        deliverFedaPay(approved, FEDAPAY_SIGNER.sign(sixMinutesAgo, approved.getBytes(StandardCharsets.UTF_8)))
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("stale"));

        assertThat(statusOf(paymentId)).isEqualTo("pending");
    }

    @Test
    void aSignedEventAboutSomethingElseIsStoredForReviewAndAcknowledged() {
        // source: https://docs.fedapay.com/api-reference/events/get (events of other objects)
        deliverFedaPaySigned("""
                {"name": "payout.sent", "entity": {"id": 7, "status": "sent"}}""")
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("unrecognized");

        assertThat(queryLong("SELECT count(*) FROM payment_webhooks WHERE provider = 'fedapay' AND review_reason IS NOT NULL "
                + "AND provider_event_id LIKE 'payout.sent:%'")).isEqualTo(1);
    }

    @Test
    void aWebhookPathOfNoEnabledProviderIsA404Problem() {
        // source: none (this service's own routing)
        client().post().uri("/api/webhooks/paypal").contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange().expectStatus().isNotFound().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    // ---- reconciliation and cancel ------------------------------------------------------------------------------

    @Test
    void reconciliationReadsTheTransactionWhoseWebhookNeverCameAndCompletesThePayment() {
        // source: https://docs.fedapay.com/api-reference/transactions/get
        String paymentId = pendingFedaPayPayment();
        wiremock.stubFor(get(urlEqualTo("/v1/transactions/" + tx))
                .willReturn(okJson("{\"v1/transaction\": " + transaction(tx, "approved", 5000, paymentId) + "}")));

        client().post().uri("/api/payments/admin/jobs/reconciliation")
                .header("Authorization", "Bearer " + TestTokens.platform(PlatformRole.OPERATOR)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.result.figures.changed").isEqualTo(1);

        assertThat(statusOf(paymentId)).isEqualTo("completed");
        // a late webhook afterwards changes nothing
        deliverFedaPaySigned(event("transaction.approved", transaction(tx, "approved", 5000, paymentId)))
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("unchanged");
        assertThat(paymentEvents(paymentId)).singleElement().satisfies(r -> assertThat(typeOf(r)).isEqualTo("PaymentCompleted"));
    }

    @Test
    void cancellingDeletesThePendingTransactionAtFedaPay() {
        // source: https://docs.fedapay.com/api-reference/transactions/delete, https://docs.fedapay.com/en/integration-api/sending-requests (DELETE cancels)
        String paymentId = pendingFedaPayPayment();
        wiremock.stubFor(delete(urlEqualTo("/v1/transactions/" + tx)).willReturn(aResponse().withStatus(200)));

        client().post().uri("/api/payments/{id}/cancel", paymentId).header("Authorization", "Bearer " + TestTokens.owner(TEAM))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("cancelled");

        wiremock.verify(1, deleteRequestedFor(urlEqualTo("/v1/transactions/" + tx)));
        // FedaPay's word, not an inference: a later approval would be flagged for review, not completed
        assertThat(column("provider_status", paymentId)).isEqualTo("cancelled");
    }

    @Test
    void cancellingATransactionFedaPayAlreadyApprovedAppliesTheApprovalAndAnswers409() {
        // source: https://docs.fedapay.com/api-reference/transactions/delete, https://docs.fedapay.com/en/integration-api/sending-requests (DELETE cancels); refusal body assumed (docs/payments.md)
        String paymentId = pendingFedaPayPayment();
        wiremock.stubFor(delete(urlEqualTo("/v1/transactions/" + tx)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"message\": \"Transaction cannot be deleted\"}")));
        wiremock.stubFor(get(urlEqualTo("/v1/transactions/" + tx))
                .willReturn(okJson("{\"v1/transaction\": " + transaction(tx, "approved", 5000, paymentId) + "}")));

        client().post().uri("/api/payments/{id}/cancel", paymentId).header("Authorization", "Bearer " + TestTokens.owner(TEAM))
                .exchange().expectStatus().isEqualTo(409).expectBody().jsonPath("$.status").isEqualTo("completed");

        assertThat(statusOf(paymentId)).isEqualTo("completed");
    }
}
