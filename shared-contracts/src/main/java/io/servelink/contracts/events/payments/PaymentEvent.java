package io.servelink.contracts.events.payments;

import io.servelink.contracts.events.Event;

/**
 * Any event of the payments topic ({@code servelink.payments.v1}): how a payment ended. Consumers decode a record with
 * {@code codec.decode(bytes, PaymentEvent.class)}, which binds the record the envelope's {@code type} names, and
 * switch over the three outcomes.
 */
public sealed interface PaymentEvent extends Event permits PaymentCompleted, PaymentFailed, PaymentCancelled {

    String paymentId();

    String teamSlug();

    PaymentPurpose purpose();

    String reference();

    long amountMinor();

    String currency();
}
