package io.servelink.payment.provider;

import java.time.Instant;
import java.util.Optional;
import org.springframework.http.HttpHeaders;

/**
 * The webhook of an adapter whose provider has its own format, received on {@code POST /api/webhooks/{name}}: the
 * signature is checked over the raw bytes before anything is parsed, then the body becomes a {@link ProviderEvent}.
 */
public interface ProviderWebhooks {

    /** The adapter's name, which is also the last segment of its callback path. */
    String name();

    /** Checks the delivery's signature over the raw body, and its timestamp against the replay window. */
    SignatureCheck verify(HttpHeaders headers, byte[] body, Instant now);

    /** A signed delivery in the service's event model; empty when the body is not of the provider's documented shape. */
    Optional<ProviderEvent> parse(byte[] body);
}
