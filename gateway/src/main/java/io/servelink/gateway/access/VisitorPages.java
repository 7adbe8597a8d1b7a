package io.servelink.gateway.access;

import io.servelink.contracts.problem.ProblemTypes;
import io.servelink.starter.ProblemWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The gateway's own answers at a project's host when the project is not served: a page for browsers (in French or
 * English by {@code Accept-Language}, no script, no content of the project) or an RFC 9457 problem for API clients.
 * A browser is a client whose {@code Accept} prefers {@code text/html} (or XHTML) to JSON; {@code *}{@code /*} alone
 * gets the problem. Neither answer may be cached ({@code Cache-Control: no-store}): the project is served again as
 * soon as its state changes.
 */
final class VisitorPages {

    private static final MediaType HTML = new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8);
    private static final List<String> LANGUAGES = List.of("fr", "en");

    private final String billingLink;
    private final String dashboardLink;
    private final String retryAfterSeconds;

    VisitorPages(URI dashboardUrl, Duration retryAfter) {
        String dashboard = dashboardUrl == null ? null : withoutFragment(dashboardUrl.toString());
        this.billingLink = dashboard == null ? null : dashboard + "#/billing";
        this.dashboardLink = dashboard == null ? null : dashboard + "#/usage";
        this.retryAfterSeconds = String.valueOf(Math.max(1, (retryAfter.toMillis() + 999) / 1000));
    }

    /** 402: the project's team reached its plan's traffic limit for the month. */
    Mono<Void> overLimit(ServerWebExchange exchange) {
        noStore(exchange.getResponse());
        if (!prefersHtml(exchange)) {
            return ProblemWriter.write(exchange, HttpStatus.PAYMENT_REQUIRED, ProblemTypes.TRAFFIC_LIMIT_REACHED, "Traffic limit reached",
                    "This project's team reached its plan's traffic limit for the month; the project is served again once the limit "
                            + "rises (an upgrade or a traffic add-on) or when the next month begins (UTC)");
        }
        String host = host(exchange);
        return "fr".equals(language(exchange))
                ? html(exchange, HttpStatus.PAYMENT_REQUIRED, "fr", "Limite de trafic atteinte", null,
                        "Ce projet a atteint sa limite de trafic",
                        "<p><strong>" + host + "</strong> a atteint la limite de trafic mensuelle de son offre&nbsp;: il n’est plus "
                                + "servi pour le moment.</p><p>Il sera de nouveau servi dès que son propriétaire relèvera la limite "
                                + "(passage à une offre supérieure ou option de trafic supplémentaire), ou au début du mois prochain.</p>"
                                + ownerLink(billingLink, "Vous êtes propriétaire de ce projet&nbsp;?", "Relever la limite dans le tableau de bord"))
                : html(exchange, HttpStatus.PAYMENT_REQUIRED, "en", "Traffic limit reached", null,
                        "This project has reached its traffic limit",
                        "<p><strong>" + host + "</strong> has used its plan’s monthly traffic, so it is not served for now.</p>"
                                + "<p>It is served again as soon as its owner raises the limit (an upgrade or a traffic add-on), "
                                + "or when the next month begins.</p>"
                                + ownerLink(billingLink, "Do you own this project?", "Raise the limit in the dashboard"));
    }

    /** 503 with {@code Retry-After}: the project is asleep and was asked to wake; the page reloads by itself. */
    Mono<Void> waking(ServerWebExchange exchange) {
        ServerHttpResponse response = exchange.getResponse();
        noStore(response);
        response.getHeaders().set(HttpHeaders.RETRY_AFTER, retryAfterSeconds);
        if (!prefersHtml(exchange)) {
            return ProblemWriter.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, ProblemTypes.PROJECT_ASLEEP, "Project asleep",
                    "This project was asleep and is waking up; retry in " + retryAfterSeconds + " seconds");
        }
        String host = host(exchange);
        return "fr".equals(language(exchange))
                ? html(exchange, HttpStatus.SERVICE_UNAVAILABLE, "fr", "Réveil en cours…", retryAfterSeconds,
                        "Ce projet se réveille",
                        "<p><strong>" + host + "</strong> était en veille après quelques jours sans visite. Il redémarre&nbsp;; "
                                + "cette page se recharge d’elle-même dans " + retryAfterSeconds + "&nbsp;secondes.</p>"
                                + ownerLink(dashboardLink, "Vous êtes propriétaire de ce projet&nbsp;?", "Ouvrir le tableau de bord"))
                : html(exchange, HttpStatus.SERVICE_UNAVAILABLE, "en", "Waking up…", retryAfterSeconds,
                        "This project is waking up",
                        "<p><strong>" + host + "</strong> was asleep after a few days without visitors. It is starting now; "
                                + "this page reloads by itself in " + retryAfterSeconds + " seconds.</p>"
                                + ownerLink(dashboardLink, "Do you own this project?", "Open the dashboard"));
    }

    private static Mono<Void> html(ServerWebExchange exchange, HttpStatus status, String language, String title, String refreshSeconds,
                                   String heading, String body) {
        String refresh = refreshSeconds == null ? "" : "<meta http-equiv=\"refresh\" content=\"" + refreshSeconds + "\">";
        String page = "<!DOCTYPE html><html lang=\"" + language + "\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"robots\" content=\"noindex\">"
                + refresh + "<title>" + title + "</title><style>body{font-family:system-ui,sans-serif;margin:0;color:#1f2933;"
                + "background:#f5f7fa}main{max-width:36rem;margin:15vh auto;padding:2rem;background:#fff;border-radius:8px;"
                + "box-shadow:0 1px 4px rgba(0,0,0,.1)}h1{font-size:1.5rem;margin-top:0}a{color:#1d4ed8}</style></head>"
                + "<body><main><h1>" + heading + "</h1>" + body + "</main></body></html>";
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(status);
        response.getHeaders().setContentType(HTML);
        response.getHeaders().set(HttpHeaders.CONTENT_LANGUAGE, language);
        DataBuffer buffer = response.bufferFactory().wrap(page.getBytes(StandardCharsets.UTF_8));
        return response.writeWith(Mono.just(buffer));
    }

    private static String ownerLink(String link, String question, String action) {
        return link == null ? "" : "<p>" + question + " <a href=\"" + escape(link) + "\">" + action + "</a></p>";
    }

    private static void noStore(ServerHttpResponse response) {
        response.getHeaders().setCacheControl("no-store");
        response.getHeaders().setVary(List.of(HttpHeaders.ACCEPT, HttpHeaders.ACCEPT_LANGUAGE));
    }

    /** Whether the client prefers HTML to JSON: browsers do, API clients and {@code *}{@code /*} do not. */
    static boolean prefersHtml(ServerWebExchange exchange) {
        List<MediaType> accepted;
        try {
            accepted = exchange.getRequest().getHeaders().getAccept();
        } catch (InvalidMediaTypeException e) {
            return false;
        }
        double html = 0;
        double json = 0;
        for (MediaType type : accepted) {
            double quality = type.getQualityValue();
            if (isHtml(type)) {
                html = Math.max(html, quality);
            } else if ("json".equals(type.getSubtype()) || "json".equals(type.getSubtypeSuffix())) {
                json = Math.max(json, quality);
            }
        }
        return html > 0 && html >= json;
    }

    private static boolean isHtml(MediaType type) {
        return "text".equals(type.getType()) && "html".equals(type.getSubtype())
                || "application".equals(type.getType()) && "xhtml+xml".equals(type.getSubtype());
    }

    /** French or English, the first of the two that {@code Accept-Language} ranks highest; English otherwise. */
    static String language(ServerWebExchange exchange) {
        String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.ACCEPT_LANGUAGE);
        if (header == null || header.isBlank()) {
            return "en";
        }
        try {
            String chosen = Locale.lookupTag(Locale.LanguageRange.parse(header), LANGUAGES);
            return chosen == null ? "en" : chosen;
        } catch (IllegalArgumentException e) {
            return "en";
        }
    }

    private static String host(ServerWebExchange exchange) {
        var address = exchange.getRequest().getHeaders().getHost();
        return escape(address == null ? "" : address.getHostString().toLowerCase(Locale.ROOT));
    }

    private static String withoutFragment(String url) {
        int hash = url.indexOf('#');
        String base = hash < 0 ? url : url.substring(0, hash);
        return base.endsWith("/") ? base : base + "/";
    }

    private static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
