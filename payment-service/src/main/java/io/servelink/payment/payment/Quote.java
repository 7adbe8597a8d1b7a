package io.servelink.payment.payment;

/** A price quoted by resources-service: what the payment is for and what it costs. */
record Quote(Long amountMinor, String currency, String description) {

    boolean isUsable() {
        return amountMinor != null && amountMinor > 0 && currency != null && currency.matches("[A-Z]{3}")
                && description != null && !description.isBlank() && description.length() <= 300;
    }
}
