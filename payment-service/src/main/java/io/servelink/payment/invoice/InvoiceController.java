package io.servelink.payment.invoice;

import io.servelink.starter.ApiProblem;
import io.servelink.starter.TeamGuard;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.UUID;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** {@code GET /api/payments/{payment_id}/invoice.pdf}: the invoice of a completed payment, for members of its team. */
@RestController
class InvoiceController {

    private final Invoices invoices;
    private final TeamGuard guard;
    private final InvoiceSettings settings;

    InvoiceController(Invoices invoices, TeamGuard guard, InvoiceSettings settings) {
        this.invoices = invoices;
        this.guard = guard;
        this.settings = settings;
    }

    @GetMapping("/api/payments/{payment_id}/invoice.pdf")
    Mono<ResponseEntity<byte[]>> invoice(@PathVariable("payment_id") @Parameter(schema = @Schema(type = "string", format = "uuid")) String paymentId) {
        return guard.caller()
                .flatMap(caller -> parse(paymentId).flatMap(invoices::findByPayment)
                        .filter(invoice -> caller.isMemberOf(invoice.teamSlug())))
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound(
                        "No invoice for payment '" + paymentId + "' (unknown, not yours, or not completed)")))
                .flatMap(this::pdf);
    }

    private Mono<ResponseEntity<byte[]>> pdf(Invoice invoice) {
        return Mono.fromCallable(() -> InvoicePdf.render(invoice, settings.seller()))
                .subscribeOn(Schedulers.boundedElastic())
                .map(bytes -> ResponseEntity.ok()
                        .contentType(MediaType.APPLICATION_PDF)
                        .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                                .filename(invoice.number() + ".pdf").build().toString())
                        .body(bytes));
    }

    private static Mono<UUID> parse(String id) {
        try {
            return Mono.just(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return Mono.empty();
        }
    }
}
