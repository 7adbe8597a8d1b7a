package io.servelink.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

class VisitorPagesTest {

    @Test
    void browsersGetPagesAndApiClientsProblems() {
        assertThat(VisitorPages.prefersHtml(accepting("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"))).isTrue();
        assertThat(VisitorPages.prefersHtml(accepting("application/xhtml+xml"))).isTrue();
        assertThat(VisitorPages.prefersHtml(accepting("*/*"))).isFalse();
        assertThat(VisitorPages.prefersHtml(accepting(null))).isFalse();
        assertThat(VisitorPages.prefersHtml(accepting("application/json"))).isFalse();
        assertThat(VisitorPages.prefersHtml(accepting("application/json, text/html;q=0.5"))).isFalse();
        assertThat(VisitorPages.prefersHtml(accepting("application/problem+json"))).isFalse();
        assertThat(VisitorPages.prefersHtml(accepting("text/html;q=0"))).isFalse();
        assertThat(VisitorPages.prefersHtml(accepting("not a media type;;"))).isFalse();
    }

    @Test
    void speaksFrenchOrEnglishByAcceptLanguage() {
        assertThat(VisitorPages.language(speaking("fr-FR,fr;q=0.9,en;q=0.8"))).isEqualTo("fr");
        assertThat(VisitorPages.language(speaking("fr-CA"))).isEqualTo("fr");
        assertThat(VisitorPages.language(speaking("en-US,en;q=0.9,fr;q=0.8"))).isEqualTo("en");
        assertThat(VisitorPages.language(speaking("de-DE,fr;q=0.7,en;q=0.5"))).isEqualTo("fr");
        assertThat(VisitorPages.language(speaking("de-DE"))).isEqualTo("en");
        assertThat(VisitorPages.language(speaking("*"))).isEqualTo("en");
        assertThat(VisitorPages.language(speaking(null))).isEqualTo("en");
        assertThat(VisitorPages.language(speaking("en;q=nonsense"))).isEqualTo("en");
    }

    private static MockServerWebExchange accepting(String accept) {
        MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("/");
        if (accept != null) {
            request.header(HttpHeaders.ACCEPT, accept);
        }
        return MockServerWebExchange.from(request);
    }

    private static MockServerWebExchange speaking(String languages) {
        MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("/");
        if (languages != null) {
            request.header(HttpHeaders.ACCEPT_LANGUAGE, languages);
        }
        return MockServerWebExchange.from(request);
    }
}
