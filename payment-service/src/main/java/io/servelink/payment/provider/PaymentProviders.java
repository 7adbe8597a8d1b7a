package io.servelink.payment.provider;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * The configured adapters and which one serves a payment ({@code servelink.payment.providers.routes}): the first route
 * matching the payment's method and currency, else the generic contract. A route naming an adapter that is not built
 * (not enabled) stops the service at startup.
 */
@Component
public class PaymentProviders {

    private final Map<String, PaymentProvider> adapters;
    private final Map<String, ProviderWebhooks> webhooks;
    private final List<ProvidersSettings.Route> routes;

    PaymentProviders(List<PaymentProvider> adapters, List<ProviderWebhooks> webhooks, ProvidersSettings settings) {
        this.adapters = adapters.stream().collect(Collectors.toUnmodifiableMap(PaymentProvider::name, Function.identity()));
        this.webhooks = webhooks.stream().collect(Collectors.toUnmodifiableMap(ProviderWebhooks::name, Function.identity()));
        this.routes = List.copyOf(settings.routes());
        for (ProvidersSettings.Route route : routes) {
            if (!this.adapters.containsKey(route.provider())) {
                throw new IllegalStateException("servelink.payment.providers.routes names provider '" + route.provider()
                        + "', which is not enabled; enabled: " + this.adapters.keySet());
            }
        }
    }

    /** The adapter that serves a payment of this method ({@code mobile_money}, {@code credit_card}) and currency. */
    public PaymentProvider forPayment(String method, String currency) {
        return routes.stream().filter(route -> route.matches(method, currency)).findFirst()
                .map(route -> adapters.get(route.provider()))
                .orElseGet(() -> adapters.get(ProviderClient.NAME));
    }

    /**
     * The adapter a payment was created with (its {@code provider} column). One that is no longer enabled fails with a
     * {@link ProviderException} "not sent": callers answer 503 and change nothing; reconciliation retries next run.
     */
    public PaymentProvider named(String name) {
        PaymentProvider adapter = adapters.get(name);
        if (adapter == null) {
            throw new ProviderException(ProviderException.Kind.NOT_SENT, "Provider '" + name + "' is not enabled; enabled: "
                    + adapters.keySet(), java.time.Duration.ofSeconds(60), false, null);
        }
        return adapter;
    }

    /** The webhook receiver of an adapter with a callback path of its own. */
    public Optional<ProviderWebhooks> webhooks(String name) {
        return Optional.ofNullable(webhooks.get(name));
    }
}
