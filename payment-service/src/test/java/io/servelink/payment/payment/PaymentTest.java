package io.servelink.payment.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servelink.contracts.events.payments.PaymentCancelled;
import io.servelink.contracts.events.payments.PaymentCompleted;
import io.servelink.contracts.events.payments.PaymentFailed;
import io.servelink.contracts.events.payments.PaymentPurpose;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PaymentTest {

    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    private static final Instant T1 = T0.plusSeconds(30);

    static Payment pending() {
        return Payment.start(UUID.randomUUID(), "acme", PaymentPurpose.PLAN_UPGRADE, "plan:pro", "Pro plan, 30 days", 900, "EUR",
                PaymentMethod.MOBILE_MONEY, "+237670000001", "user-1", T0);
    }

    private static ReportedStatus report(PaymentStatus status) {
        return new ReportedStatus(status, 900L, "EUR", null);
    }

    @Test
    void completingCausesExactlyOnePaymentCompletedWithThePaymentsOwnAmount() {
        Payment.Transition done = pending().markProcessing(T0).payment().complete(T1);

        assertThat(done.payment().status()).isEqualTo(PaymentStatus.COMPLETED);
        assertThat(done.payment().settledAt()).isEqualTo(T1);
        assertThat(done.event()).get().isInstanceOfSatisfying(PaymentCompleted.class, e -> {
            assertThat(e.amountMinor()).isEqualTo(900);
            assertThat(e.currency()).isEqualTo("EUR");
            assertThat(e.reference()).isEqualTo("plan:pro");
            assertThat(e.method()).isEqualTo("mobile_money");
        });
    }

    @Test
    void movingToProcessingCausesNoEvent() {
        assertThat(pending().markProcessing(T1).event()).isEmpty();
    }

    @Test
    void failureAndCancellationCauseTheirEvents() {
        assertThat(pending().fail("payer_declined", T1).event()).get().isInstanceOfSatisfying(PaymentFailed.class,
                e -> assertThat(e.reason()).isEqualTo("payer_declined"));
        assertThat(pending().cancel(T1).event()).get().isInstanceOf(PaymentCancelled.class);
    }

    @Test
    void refusesEveryMoveOutOfAFinalStatusAndBackwards() {
        Payment completed = pending().complete(T1).payment();
        assertThatThrownBy(() -> completed.cancel(T1)).isInstanceOf(IllegalTransitionException.class);
        assertThatThrownBy(() -> completed.fail("x", T1)).isInstanceOf(IllegalTransitionException.class);
        assertThatThrownBy(() -> completed.complete(T1)).isInstanceOf(IllegalTransitionException.class);
        Payment cancelled = pending().cancel(T1).payment();
        assertThatThrownBy(() -> cancelled.complete(T1)).isInstanceOf(IllegalTransitionException.class);
        Payment processing = pending().markProcessing(T1).payment();
        assertThatThrownBy(() -> processing.markProcessing(T1)).isInstanceOf(IllegalTransitionException.class);
    }

    @Test
    void settlingTheSameStatusTwiceChangesNothingAndPublishesNothing() {
        Payment completed = pending().settle(report(PaymentStatus.COMPLETED), T1).payment();
        Payment.Settlement again = completed.settle(report(PaymentStatus.COMPLETED), T1.plusSeconds(5));

        assertThat(again.outcome()).isEqualTo(SettlementOutcome.UNCHANGED);
        assertThat(again.payment()).isEqualTo(completed);
        assertThat(again.event()).isEmpty();
    }

    @Test
    void aLateProcessingReportAfterCompletionIsIgnored() {
        Payment completed = pending().complete(T1).payment();
        Payment.Settlement late = completed.settle(report(PaymentStatus.PROCESSING), T1.plusSeconds(5));

        assertThat(late.outcome()).isEqualTo(SettlementOutcome.IGNORED_OUT_OF_ORDER);
        assertThat(late.payment().status()).isEqualTo(PaymentStatus.COMPLETED);
        assertThat(late.event()).isEmpty();
    }

    @Test
    void aReportWithAnotherAmountOrCurrencyFlagsThePaymentAndNeverCompletesIt() {
        Payment.Settlement cheaper = pending().settle(new ReportedStatus(PaymentStatus.COMPLETED, 1L, "EUR", null), T1);
        Payment.Settlement otherCurrency = pending().settle(new ReportedStatus(PaymentStatus.COMPLETED, 900L, "XAF", null), T1);

        for (Payment.Settlement s : new Payment.Settlement[] {cheaper, otherCurrency}) {
            assertThat(s.outcome()).isEqualTo(SettlementOutcome.FLAGGED_MISMATCH);
            assertThat(s.payment().status()).isEqualTo(PaymentStatus.PENDING);
            assertThat(s.payment().flaggedMismatch()).isTrue();
            assertThat(s.event()).isEmpty();
        }
    }

    @Test
    void aCompletionReportedAfterThePlatformClosedThePaymentByInferenceCompletesItAndCausesPaymentCompleted() {
        Payment neverReached = pending().closeByInference("never_reached_provider", null, T1).payment();
        Payment expired = pending().settle(report(PaymentStatus.PENDING), T0)
                .payment().closeByInference("expired", PaymentStatus.PENDING, T1).payment();
        Payment cancelledUnknownToProvider = pending().cancel(T1).payment();

        for (Payment closed : new Payment[] {neverReached, expired, cancelledUnknownToProvider}) {
            Payment.Settlement late = closed.settle(report(PaymentStatus.COMPLETED), T1.plusSeconds(60));

            assertThat(late.outcome()).isEqualTo(SettlementOutcome.COMPLETED_LATE);
            assertThat(late.payment().status()).isEqualTo(PaymentStatus.COMPLETED);
            assertThat(late.payment().failureReason()).isNull();
            assertThat(late.payment().providerStatus()).isEqualTo(PaymentStatus.COMPLETED);
            assertThat(late.event()).get().isInstanceOf(PaymentCompleted.class);
        }
    }

    @Test
    void aCompletionContradictingACancellationTheProviderReportedChangesNothingAndIsMarkedForReview() {
        Payment cancelledByProvider = pending().settle(report(PaymentStatus.CANCELLED), T1).payment();

        Payment.Settlement contradiction = cancelledByProvider.settle(report(PaymentStatus.COMPLETED), T1.plusSeconds(60));

        assertThat(contradiction.outcome()).isEqualTo(SettlementOutcome.FLAGGED_CONTRADICTION);
        assertThat(contradiction.payment().status()).isEqualTo(PaymentStatus.CANCELLED);
        assertThat(contradiction.payment().reviewReason()).isEqualTo("provider reported completed after cancelled");
        assertThat(contradiction.event()).isEmpty();
    }

    @Test
    void aFailureContradictingACompletionTheProviderReportedKeepsThePaymentCompletedAndMarksIt() {
        Payment completed = pending().settle(report(PaymentStatus.COMPLETED), T1).payment();

        Payment.Settlement contradiction = completed.settle(report(PaymentStatus.FAILED), T1.plusSeconds(60));

        assertThat(contradiction.outcome()).isEqualTo(SettlementOutcome.FLAGGED_CONTRADICTION);
        assertThat(contradiction.payment().status()).isEqualTo(PaymentStatus.COMPLETED);
        assertThat(contradiction.payment().reviewReason()).isNotNull();
    }

    @Test
    void aFailureReportedForAPaymentClosedByInferenceIsRecordedAsTheProvidersWithoutAnEvent() {
        Payment expired = pending().closeByInference("expired", null, T1).payment();

        Payment.Settlement failed = expired.settle(report(PaymentStatus.FAILED), T1.plusSeconds(60));

        assertThat(failed.outcome()).isEqualTo(SettlementOutcome.UNCHANGED);
        assertThat(failed.payment().providerStatus()).isEqualTo(PaymentStatus.FAILED);
        assertThat(failed.event()).isEmpty();
        // from now on a completion contradicts the provider's own failure
        assertThat(failed.payment().settle(report(PaymentStatus.COMPLETED), T1.plusSeconds(90)).outcome())
                .isEqualTo(SettlementOutcome.FLAGGED_CONTRADICTION);
    }

    @Test
    void aFailureReasonTheContractDoesNotListIsRecordedAsOther() {
        Payment failed = pending().settle(new ReportedStatus(PaymentStatus.FAILED, 900L, "EUR", "sim_card_on_fire"), T1).payment();

        assertThat(failed.failureReason()).isEqualTo("other");
    }
}
