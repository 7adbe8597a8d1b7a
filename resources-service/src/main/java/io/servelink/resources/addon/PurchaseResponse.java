package io.servelink.resources.addon;

import io.servelink.resources.paymentclient.PaymentStarted;

/** The pending add-on and what the payer does next to pay for it. */
record PurchaseResponse(AddonView addon, PaymentStarted payment) {
}
