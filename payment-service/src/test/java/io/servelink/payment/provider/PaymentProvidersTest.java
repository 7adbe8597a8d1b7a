package io.servelink.payment.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** Which adapter serves a payment: the first matching route, else the generic contract. */
class PaymentProvidersTest {

    private static PaymentProvider adapter(String name) {
        return new PaymentProvider() {
            public String name() { return name; }
            public boolean takes(String currency) { return true; }
            public Mono<ProviderPayment> create(CreateProviderPayment body, String key) { return Mono.empty(); }
            public Mono<Optional<ProviderPayment>> get(String id) { return Mono.empty(); }
            public Mono<KeyLookup> findByIdempotencyKey(String key) { return Mono.empty(); }
            public Mono<CancelResult> cancel(String id) { return Mono.empty(); }
            public Mono<ProviderRefund> refund(String id, long amount, String currency, String reason, String key) {
                return Mono.empty();
            }
        };
    }

    private static ProvidersSettings routes(ProvidersSettings.Route... routes) {
        return new ProvidersSettings(List.of(routes), null, null);
    }

    private static final List<PaymentProvider> ADAPTERS = List.of(adapter("generic"), adapter("fedapay"), adapter("stripe"));

    @Test
    void theFirstRouteMatchingMethodAndCurrencyChoosesTheAdapterElseTheGenericContract() {
        PaymentProviders providers = new PaymentProviders(ADAPTERS, List.of(), routes(
                new ProvidersSettings.Route("mobile_money", "XOF", "fedapay"),
                new ProvidersSettings.Route("credit_card", null, "stripe"),
                new ProvidersSettings.Route("credit_card", "EUR", "generic")));

        assertThat(providers.forPayment("mobile_money", "XOF").name()).isEqualTo("fedapay");
        assertThat(providers.forPayment("mobile_money", "xof").name()).isEqualTo("fedapay");
        assertThat(providers.forPayment("mobile_money", "EUR").name()).isEqualTo("generic");
        assertThat(providers.forPayment("credit_card", "EUR").name()).isEqualTo("stripe");
    }

    @Test
    void withoutRoutesEveryPaymentGoesToTheGenericContract() {
        PaymentProviders providers = new PaymentProviders(ADAPTERS, List.of(), routes());

        assertThat(providers.forPayment("mobile_money", "XOF").name()).isEqualTo("generic");
        assertThat(providers.forPayment("credit_card", "EUR").name()).isEqualTo("generic");
    }

    @Test
    void aRouteToAnAdapterThatIsNotEnabledStopsTheServiceAtStartup() {
        assertThatThrownBy(() -> new PaymentProviders(List.of(adapter("generic")), List.of(),
                routes(new ProvidersSettings.Route("mobile_money", "XOF", "fedapay"))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("fedapay");
    }

    @Test
    void aPaymentOfAnAdapterNoLongerEnabledIsAProviderThatCannotBeReached() {
        PaymentProviders providers = new PaymentProviders(List.of(adapter("generic")), List.of(), routes());

        assertThatThrownBy(() -> providers.named("stripe")).isInstanceOfSatisfying(ProviderException.class,
                e -> assertThat(e.kind()).isEqualTo(ProviderException.Kind.NOT_SENT));
    }

    @Test
    void theModeOfAPhoneIsTheLongestMatchingPrefixsElseTheDefault() {
        ProvidersSettings.FedaPay fedapay = new ProvidersSettings.FedaPay(true, null, "k", "s", null, "moov",
                List.of(new ProvidersSettings.Mode("+229", "mtn_open"), new ProvidersSettings.Mode("+22995", "moov"),
                        new ProvidersSettings.Mode("+22501", "mtn_ci")), null, null, null, null);

        assertThat(fedapay.modeFor("+22997000001")).isEqualTo("mtn_open");
        assertThat(fedapay.modeFor("+22995000001")).isEqualTo("moov");
        assertThat(fedapay.modeFor("+22501000001")).isEqualTo("mtn_ci");
        assertThat(fedapay.modeFor("+22890000001")).isEqualTo("moov");
    }
}
