package io.servelink.payment.payment;

import java.util.List;

/** One page of a team's payments, newest first. */
record PaymentPage(List<PaymentView> items, int page, int size, long total) {
}
