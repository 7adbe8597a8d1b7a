package io.servelink.support.notification;

import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.TopicNames;
import io.servelink.contracts.events.payments.PaymentCancelled;
import io.servelink.contracts.events.payments.PaymentCompleted;
import io.servelink.contracts.events.payments.PaymentEvent;
import io.servelink.contracts.events.payments.PaymentFailed;
import io.servelink.contracts.events.usage.UsageThresholdCrossed;
import io.servelink.starter.KafkaSettings;
import io.servelink.starter.kafka.KafkaBatchConsumer;
import io.servelink.starter.outbox.ProcessedEvents;
import io.servelink.starter.KafkaClients;
import java.math.BigDecimal;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * E-mails to a team about its usage alerts and payment outcomes. Each event is handled once: its id goes into
 * {@code processed_events} in the same transaction as the queued e-mails, whose dedup key is event id + recipient.
 */
@Configuration(proxyBeanMethods = false)
class PlatformEventNotifications {

    private static final Logger log = LoggerFactory.getLogger(PlatformEventNotifications.class);
    static final String USAGE_CONSUMER = "support-usage-alerts";
    static final String PAYMENTS_CONSUMER = "support-payments";

    /** What to e-mail about one event: to the team's recipients, written in each one's language. */
    record Mail(String team, Function<Locale, Letter> letter) {

        /** The same e-mail whatever the recipient's language. */
        static Mail english(String team, String subject, String body) {
            Letter letter = new Letter(subject, body);
            return new Mail(team, language -> letter);
        }
    }

    /** One e-mail's text. */
    record Letter(String subject, String body) {
    }

    @Bean
    KafkaBatchConsumer usageAlertsConsumer(KafkaClients settings, TopicNames topics, EventCodec codec, Notifications notifications,
                                           ProcessedEvents processed, TransactionalOperator transactions, MeterRegistry registry) {
        Handler handler = new Handler(USAGE_CONSUMER, notifications, processed, transactions);
        return new KafkaBatchConsumer(USAGE_CONSUMER, settings, "support-service.usage-alerts", List.of(topics.usageAlerts()), 100,
                records -> handler.handle(records, record -> decodeUsage(record, codec)), registry);
    }

    @Bean
    KafkaBatchConsumer paymentsConsumer(KafkaClients settings, TopicNames topics, EventCodec codec, Notifications notifications,
                                        ProcessedEvents processed, TransactionalOperator transactions, MeterRegistry registry) {
        Handler handler = new Handler(PAYMENTS_CONSUMER, notifications, processed, transactions);
        return new KafkaBatchConsumer(PAYMENTS_CONSUMER, settings, "support-service.payments", List.of(topics.payments()), 100,
                records -> handler.handle(records, record -> decodePayment(record, codec)), registry);
    }

    /** An event id with the e-mail it causes, or empty for a record that is skipped. */
    record Decoded(java.util.UUID eventId, Mail mail) {
    }

    private static Decoded decodeUsage(ConsumerRecord<String, byte[]> record, EventCodec codec) {
        EventEnvelope<UsageThresholdCrossed> envelope = codec.decode(record.value(), UsageThresholdCrossed.class);
        UsageThresholdCrossed alert = envelope.payload();
        return new Decoded(envelope.eventId(), new Mail(alert.teamSlug(), language -> UsageAlertMail.render(alert, language)));
    }

    private static Decoded decodePayment(ConsumerRecord<String, byte[]> record, EventCodec codec) {
        EventEnvelope<PaymentEvent> envelope = codec.decode(record.value(), PaymentEvent.class);
        Mail mail = switch (envelope.payload()) {
            case PaymentCompleted p -> Mail.english(p.teamSlug(), "Payment received: " + money(p.amountMinor(), p.currency()),
                    "Hello,\n\nwe received your payment of " + money(p.amountMinor(), p.currency()) + " for "
                            + purpose(p.purpose()) + " (payment " + p.paymentId() + ").\n\nServelink support");
            case PaymentFailed p -> Mail.english(p.teamSlug(), "Payment failed: " + money(p.amountMinor(), p.currency()),
                    "Hello,\n\nyour payment of " + money(p.amountMinor(), p.currency()) + " for " + purpose(p.purpose())
                            + " failed (" + p.reason() + "). Nothing was charged; please try again.\n\nServelink support");
            case PaymentCancelled p -> Mail.english(p.teamSlug(), "Payment cancelled: " + money(p.amountMinor(), p.currency()),
                    "Hello,\n\nyour payment of " + money(p.amountMinor(), p.currency()) + " for " + purpose(p.purpose())
                            + " was cancelled.\n\nServelink support");
        };
        return new Decoded(envelope.eventId(), mail);
    }

    private static String purpose(io.servelink.contracts.events.payments.PaymentPurpose purpose) {
        return switch (purpose) {
            case PLAN_UPGRADE -> "the plan upgrade";
            case ADDON -> "an add-on";
            case RENEWAL -> "the renewal";
        };
    }

    /** Minor units shown in the currency's own decimals, e.g. 300 EUR as 3.00 EUR. */
    static String money(long amountMinor, String currency) {
        int digits;
        try {
            digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
        } catch (IllegalArgumentException | NullPointerException e) {
            digits = 2;
        }
        return BigDecimal.valueOf(amountMinor, digits).toPlainString() + " " + currency;
    }

    /** Stores the e-mails of a batch, each event once. */
    private record Handler(String consumer, Notifications notifications, ProcessedEvents processed,
                           TransactionalOperator transactions) {

        Mono<Void> handle(List<ConsumerRecord<String, byte[]>> records,
                          java.util.function.Function<ConsumerRecord<String, byte[]>, Decoded> decoder) {
            return Flux.fromIterable(records)
                    .concatMap(record -> decode(record, decoder))
                    .concatMap(decoded -> transactions.transactional(store(decoded)))
                    .then();
        }

        private Mono<Decoded> decode(ConsumerRecord<String, byte[]> record,
                                     java.util.function.Function<ConsumerRecord<String, byte[]>, Decoded> decoder) {
            try {
                return Mono.just(decoder.apply(record));
            } catch (EventCodec.MalformedEventException e) {
                log.warn("{} skips malformed record at {}-{}@{}: {}", consumer, record.topic(), record.partition(),
                        record.offset(), e.getMessage());
                return Mono.empty();
            }
        }

        private Mono<Void> store(Decoded decoded) {
            return processed.firstDelivery(consumer, decoded.eventId())
                    .filter(Boolean::booleanValue)
                    .flatMapMany(first -> notifications.recipientsOf(decoded.mail().team()))
                    .concatMap(recipient -> enqueue(decoded, recipient))
                    .then();
        }

        private Mono<Boolean> enqueue(Decoded decoded, Notifications.Recipient recipient) {
            Letter letter = decoded.mail().letter().apply(recipient.language());
            return notifications.enqueue(consumer + ":" + decoded.eventId() + ":" + recipient.email(), recipient.email(),
                    letter.subject(), letter.body());
        }
    }
}
