package io.servelink.resources.quote;

/** What payment-service charges for a purpose and reference: an amount in minor units, its currency, and a line for the invoice. */
record Quote(long amountMinor, String currency, String description) {
}
