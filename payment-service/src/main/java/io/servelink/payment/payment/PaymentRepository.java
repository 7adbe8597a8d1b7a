package io.servelink.payment.payment;

import io.r2dbc.spi.Readable;
import io.servelink.contracts.events.payments.PaymentPurpose;
import io.servelink.payment.provider.NextAction;
import java.time.Instant;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** Payments in PostgreSQL. The {@code ...ForUpdate} reads lock the row for the rest of the transaction. */
@Repository
class PaymentRepository {

    private static final String COLUMNS = "id, team_slug, purpose, reference, description, amount_minor, currency, method, "
            + "payer_phone, status, idempotency_key, provider_payment_id, next_action::text AS next_action, failure_reason, "
            + "flagged_mismatch, initiated_by, created_at, updated_at, settled_at, reached_provider, provider_status, review_reason, "
            + "refund_id, refund_status";

    private final DatabaseClient db;
    private final JsonMapper json;

    PaymentRepository(DatabaseClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    /**
     * Inserts a new payment; {@code clientKey} is the caller's Idempotency-Key, or null; {@code provider} the adapter
     * that creates it.
     */
    Mono<Payment> insert(Payment p, String clientKey, String provider) {
        return nullable(bindAll(db.sql("INSERT INTO payments (id, team_slug, purpose, reference, description, amount_minor, "
                        + "currency, method, payer_phone, status, idempotency_key, provider_payment_id, next_action, failure_reason, "
                        + "flagged_mismatch, initiated_by, created_at, updated_at, settled_at, client_idempotency_key, provider) VALUES (:id, "
                        + ":team, :purpose, :reference, :description, :amount, :currency, :method, :phone, :status, :key, :providerId, "
                        + "CAST(:nextAction AS jsonb), :failure, :flagged, :initiatedBy, :createdAt, :updatedAt, :settledAt, "
                        + ":clientKey, :provider)"), p).bind("provider", provider), "clientKey", clientKey, String.class)
                .fetch().rowsUpdated().thenReturn(p);
    }

    /** The adapter the payment was created with. */
    Mono<String> providerOf(UUID id) {
        return db.sql("SELECT provider FROM payments WHERE id = :id").bind("id", id)
                .map((row, meta) -> row.get("provider", String.class)).one();
    }

    /** The team's live (pending, processing or completed) payment started with this Idempotency-Key. */
    Mono<Payment> findLiveByClientKey(String team, String clientKey) {
        return db.sql("SELECT " + COLUMNS + " FROM payments WHERE team_slug = :team AND client_idempotency_key = :clientKey "
                        + "AND status IN ('pending', 'processing', 'completed')")
                .bind("team", team).bind("clientKey", clientKey).map(this::read).one();
    }

    /** Writes the mutable columns of a payment. */
    Mono<Payment> update(Payment p) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("UPDATE payments SET status = :status, provider_payment_id = :providerId, "
                        + "next_action = CAST(:nextAction AS jsonb), failure_reason = :failure, flagged_mismatch = :flagged, "
                        + "updated_at = :updatedAt, settled_at = :settledAt, reached_provider = :reached, "
                        + "provider_status = :providerStatus, review_reason = :review, refund_id = :refundId, "
                        + "refund_status = :refundStatus WHERE id = :id")
                .bind("id", p.id())
                .bind("reached", p.reachedProvider())
                .bind("status", p.status().wire())
                .bind("flagged", p.flaggedMismatch())
                .bind("updatedAt", p.updatedAt());
        spec = nullable(spec, "providerId", p.providerPaymentId(), String.class);
        spec = nullable(spec, "nextAction", p.nextAction() == null ? null : json.writeValueAsString(p.nextAction()), String.class);
        spec = nullable(spec, "failure", p.failureReason(), String.class);
        spec = nullable(spec, "settledAt", p.settledAt(), Instant.class);
        spec = nullable(spec, "providerStatus", p.providerStatus() == null ? null : p.providerStatus().wire(), String.class);
        spec = nullable(spec, "review", p.reviewReason() == null ? null : abbreviate(p.reviewReason()), String.class);
        spec = nullable(spec, "refundId", p.refundId(), String.class);
        spec = nullable(spec, "refundStatus", p.refundStatus(), String.class);
        return spec.fetch().rowsUpdated().thenReturn(p);
    }

    Mono<Payment> findById(UUID id) {
        return db.sql("SELECT " + COLUMNS + " FROM payments WHERE id = :id").bind("id", id).map(this::read).one();
    }

    Mono<Payment> lockById(UUID id) {
        return db.sql("SELECT " + COLUMNS + " FROM payments WHERE id = :id FOR UPDATE").bind("id", id).map(this::read).one();
    }

    /** The payment the provider (adapter name) knows as {@code providerPaymentId}, locked. */
    Mono<Payment> lockByProviderId(String provider, String providerPaymentId) {
        return db.sql("SELECT " + COLUMNS + " FROM payments WHERE provider = :provider AND provider_payment_id = :pid FOR UPDATE")
                .bind("provider", provider).bind("pid", providerPaymentId).map(this::read).one();
    }

    Flux<Payment> page(String team, PaymentStatus status, long offset, int limit) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("SELECT " + COLUMNS + " FROM payments WHERE team_slug = :team "
                        + (status == null ? "" : "AND status = :status ") + "ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset")
                .bind("team", team).bind("limit", limit).bind("offset", offset);
        if (status != null) {
            spec = spec.bind("status", status.wire());
        }
        return spec.map(this::read).all();
    }

    Mono<Long> count(String team, PaymentStatus status) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("SELECT count(*) AS total FROM payments WHERE team_slug = :team"
                + (status == null ? "" : " AND status = :status")).bind("team", team);
        if (status != null) {
            spec = spec.bind("status", status.wire());
        }
        return spec.map((row, meta) -> row.get("total", Long.class)).one();
    }

    /** Payments an operator must look at, newest first. */
    Flux<Payment> underReview(int limit) {
        return db.sql("SELECT " + COLUMNS + " FROM payments WHERE review_reason IS NOT NULL ORDER BY updated_at DESC LIMIT :limit")
                .bind("limit", limit).map(this::read).all();
    }

    /**
     * Frees the caller's Idempotency-Key of a payment that completes late when a newer live payment of the team holds
     * the same key (a renewal retried after this one was closed): both stay, the late one for an operator to refund.
     *
     * @return whether the key was taken by another payment
     */
    Mono<Boolean> releaseClientKeyIfTaken(UUID id) {
        return db.sql("UPDATE payments p SET client_idempotency_key = NULL WHERE p.id = :id AND p.client_idempotency_key IS NOT NULL "
                        + "AND EXISTS (SELECT 1 FROM payments o WHERE o.team_slug = p.team_slug AND o.id <> p.id "
                        + "AND o.client_idempotency_key = p.client_idempotency_key AND o.status IN ('pending', 'processing', 'completed'))")
                .bind("id", id).fetch().rowsUpdated().map(rows -> rows > 0);
    }

    /** Ids of payments still open and untouched since {@code before}, oldest first. */
    Flux<UUID> openSince(Instant before, int limit) {
        return db.sql("SELECT id FROM payments WHERE status IN ('pending', 'processing') AND updated_at < :before "
                        + "ORDER BY updated_at LIMIT :limit")
                .bind("before", before).bind("limit", limit)
                .map((row, meta) -> row.get("id", UUID.class)).all();
    }

    private DatabaseClient.GenericExecuteSpec bindAll(DatabaseClient.GenericExecuteSpec spec, Payment p) {
        spec = spec.bind("id", p.id())
                .bind("team", p.teamSlug())
                .bind("purpose", p.purpose().wire())
                .bind("reference", p.reference())
                .bind("description", p.description())
                .bind("amount", p.amountMinor())
                .bind("currency", p.currency())
                .bind("method", p.method().wire())
                .bind("status", p.status().wire())
                .bind("key", p.idempotencyKey())
                .bind("flagged", p.flaggedMismatch())
                .bind("initiatedBy", p.initiatedBy())
                .bind("createdAt", p.createdAt())
                .bind("updatedAt", p.updatedAt());
        spec = nullable(spec, "phone", p.payerPhone(), String.class);
        spec = nullable(spec, "providerId", p.providerPaymentId(), String.class);
        spec = nullable(spec, "nextAction", p.nextAction() == null ? null : json.writeValueAsString(p.nextAction()), String.class);
        spec = nullable(spec, "failure", p.failureReason(), String.class);
        return nullable(spec, "settledAt", p.settledAt(), Instant.class);
    }

    private static <T> DatabaseClient.GenericExecuteSpec nullable(DatabaseClient.GenericExecuteSpec spec, String name, T value,
                                                                 Class<T> type) {
        return value == null ? spec.bindNull(name, type) : spec.bind(name, value);
    }

    private Payment read(Readable row) {
        String nextAction = row.get("next_action", String.class);
        return new Payment(row.get("id", UUID.class), row.get("team_slug", String.class),
                PaymentPurpose.fromWire(row.get("purpose", String.class)).orElseThrow(), row.get("reference", String.class),
                row.get("description", String.class), row.get("amount_minor", Long.class),
                row.get("currency", String.class).strip(),
                PaymentMethod.fromWire(row.get("method", String.class)).orElseThrow(),
                row.get("payer_phone", String.class),
                PaymentStatus.fromWire(row.get("status", String.class)).orElseThrow(),
                row.get("idempotency_key", String.class), row.get("provider_payment_id", String.class),
                nextAction == null ? null : json.readValue(nextAction, NextAction.class),
                row.get("failure_reason", String.class), Boolean.TRUE.equals(row.get("flagged_mismatch", Boolean.class)),
                row.get("initiated_by", String.class), row.get("created_at", Instant.class),
                row.get("updated_at", Instant.class), row.get("settled_at", Instant.class),
                Boolean.TRUE.equals(row.get("reached_provider", Boolean.class)),
                PaymentStatus.fromWire(row.get("provider_status", String.class)).orElse(null),
                row.get("review_reason", String.class), row.get("refund_id", String.class),
                row.get("refund_status", String.class));
    }

    private static String abbreviate(String value) {
        return value.length() > 200 ? value.substring(0, 200) : value;
    }
}
