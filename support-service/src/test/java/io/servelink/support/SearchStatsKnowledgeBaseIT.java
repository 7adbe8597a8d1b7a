package io.servelink.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.infra.test.ServiceIT;
import io.servelink.infra.test.TestInfrastructure;
import io.servelink.infra.test.TestTokens;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

@ServiceIT
@TestPropertySource(properties = "servelink.support.jobs.scheduling-enabled=false")
class SearchStatsKnowledgeBaseIT {

    static final String AGENT = TestTokens.platform(PlatformRole.SUPPORT_AGENT);

    @LocalServerPort
    int port;
    @Autowired
    TestInfrastructure infra;
    SupportApi api;

    @BeforeEach
    void setUp() {
        api = new SupportApi(port, infra);
    }

    @Test
    void searchRanksSubjectAboveDescriptionAboveMessagesWithinTheTeamAndFilters() {
        String member = TestTokens.member("search");
        String inMessage = api.createTicket(member, "search", "Slow pages", "Pages load slowly", "technical");
        api.reply(member, "search", inMessage, "Maybe the database is slow", false);
        String inDescription = api.createTicket(member, "search", "Errors at night", "The database drops connections", "bug_report");
        String inSubject = api.createTicket(member, "search", "Database connection refused", "Since yesterday", "technical");
        api.createTicket(TestTokens.member("other-search"), "other-search", "Database down", "database", "technical");

        assertThat(hits(member, "/api/support/search/tickets/search?q=database")).containsExactly(inSubject, inDescription, inMessage);
        assertThat(hits(member, "/api/support/search/tickets/search?q=database&category=bug_report")).containsExactly(inDescription);
        assertThat(hits(member, "/api/support/search/tickets/search?q=database connection")).containsExactly(inSubject, inDescription);
        assertThat(hits(member, "/api/support/search/tickets/search?q=database&status=closed")).isEmpty();
        assertThat(hits(AGENT, "/api/support/agent/tickets/search?q=database")).hasSize(4);
        api.get(TestTokens.member("other-search"), "/api/support/search/tickets/search?q=database").expectStatus().isForbidden();
        api.get(member, "/api/support/search/tickets/search?q=").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("q");
    }

    @Test
    void internalNotesNeverReachACustomersSearch() {
        String member = TestTokens.member("secret");
        String id = api.createTicket(member, "secret", "Refund", "Please refund", "billing");
        api.reply(AGENT, "secret", id, "flamingo chargeback suspected", true);

        assertThat(hits(member, "/api/support/secret/tickets/search?q=flamingo")).isEmpty();
        api.get(member, "/api/support/secret/tickets/search?q=refund").expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body).doesNotContain("flamingo"));
        assertThat(hits(AGENT, "/api/support/agent/tickets/search?q=flamingo")).containsExactly(id);
    }

    @Test
    void statsCountAndMeasureKnownTickets() throws Exception {
        String member = TestTokens.member("stats");
        String a = api.createTicket(member, "stats", "A", "a", "technical");
        String b = api.createTicket(member, "stats", "B", "b", "technical");
        String c = api.createTicket(member, "stats", "C", "c", "billing");
        api.createTicket(member, "stats", "D", "d", "other");
        try (Connection connection = infra.openConnection()) {
            connection.createStatement().executeUpdate("""
                    UPDATE tickets SET created_at = '2025-01-01T00:00:00Z',
                      first_response_at = '2025-01-01T00:00:00Z'::timestamptz + make_interval(secs => CASE subject WHEN 'A' THEN 60 WHEN 'B' THEN 120 ELSE 600 END),
                      resolved_at = CASE subject WHEN 'A' THEN '2025-01-01T01:00:00Z'::timestamptz WHEN 'B' THEN '2025-01-01T03:00:00Z'::timestamptz END,
                      status = CASE subject WHEN 'A' THEN 'resolved' WHEN 'B' THEN 'resolved' ELSE 'waiting' END,
                      priority = CASE subject WHEN 'C' THEN 'urgent' ELSE priority END
                    WHERE team_slug = 'stats' AND subject IN ('A', 'B', 'C')""");
        }
        assertThat(List.of(a, b, c)).hasSize(3);

        api.get(member, "/api/support/stats/stats").expectStatus().isOk().expectBody()
                .jsonPath("$.total").isEqualTo(4)
                .jsonPath("$.by_status.open").isEqualTo(1)
                .jsonPath("$.by_status.resolved").isEqualTo(2)
                .jsonPath("$.by_status.waiting").isEqualTo(1)
                .jsonPath("$.by_status.closed").isEqualTo(0)
                .jsonPath("$.by_priority.normal").isEqualTo(3)
                .jsonPath("$.by_priority.urgent").isEqualTo(1)
                .jsonPath("$.by_category.technical").isEqualTo(2)
                .jsonPath("$.by_category.billing").isEqualTo(1)
                .jsonPath("$.by_category.other").isEqualTo(1)
                .jsonPath("$.by_category.feature_request").isEqualTo(0)
                .jsonPath("$.first_response.count").isEqualTo(3)
                .jsonPath("$.first_response.mean_seconds").isEqualTo(260.0)
                .jsonPath("$.first_response.median_seconds").isEqualTo(120.0)
                .jsonPath("$.resolution.count").isEqualTo(2)
                .jsonPath("$.resolution.mean_seconds").isEqualTo(7200.0)
                .jsonPath("$.resolution.median_seconds").isEqualTo(7200.0);
        api.get(TestTokens.member("nobody"), "/api/support/nobody/stats").expectStatus().isOk().expectBody()
                .jsonPath("$.total").isEqualTo(0)
                .jsonPath("$.first_response.mean_seconds").doesNotExist();
    }

    @Test
    void knowledgeBaseIsSearchableByAnyoneAndSuggestedForNewTickets() {
        api.client().get().uri("/api/support/kb/articles?q=custom domain").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.items[0].title").isEqualTo("Using a custom domain");
        api.client().get().uri("/api/support/kb/articles").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.items.length()").isEqualTo(6);

        String member = TestTokens.member("kbteam");
        api.get(member, "/api/support/kbteam/tickets/suggestions?subject=My container crashes on start").expectStatus().isOk()
                .expectBody().jsonPath("$.items[0].title").isEqualTo("Container keeps restarting or crashes on start");
        api.get(TestTokens.member("elsewhere"), "/api/support/kbteam/tickets/suggestions?subject=x").expectStatus().isForbidden();

        String id = api.createTicket(member, "kbteam", "Container crashes on start", "exit code 137", "technical");
        Map<?, ?> ticket = api.get(member, "/api/support/kbteam/tickets/{id}", id).expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        Map<?, ?> automatic = (Map<?, ?>) ((List<?>) ticket.get("messages")).getFirst();
        assertThat(automatic.get("author_kind")).isEqualTo("assistant");
        assertThat(automatic.get("automatic")).isEqualTo(true);
        assertThat(automatic.get("body").toString()).contains("Container keeps restarting or crashes on start");
        assertThat(ticket.get("first_response_at")).isNull();
        assertThat(ticket.get("status")).isEqualTo("open");

        api.post(AGENT, "{}", "/api/support/agent/tickets/{id}/article-draft", id).expectStatus().isEqualTo(409);
        api.reply(AGENT, "kbteam", id, "Raise the memory limit: 137 means out of memory.", false);
        api.post(AGENT, """
                {"status": "resolved"}""", "/api/support/agent/tickets/{id}/status", id).expectStatus().isOk();
        String draft = api.post(AGENT, "{}", "/api/support/agent/tickets/{id}/article-draft", id).expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
        api.get(AGENT, "/api/support/agent/kb/articles?q=memory limit").expectStatus().isOk().expectBody()
                .jsonPath("$.items[0].id").isEqualTo(draft)
                .jsonPath("$.items[0].status").isEqualTo("draft");
        api.client().get().uri("/api/support/kb/articles/{id}", draft).exchange().expectStatus().isNotFound();
        api.post(member, "{}", "/api/support/agent/tickets/{id}/article-draft", id).expectStatus().isForbidden();
        api.post(AGENT, "{}", "/api/support/agent/kb/articles/{id}/publish", draft).expectStatus().isOk();
        api.client().get().uri("/api/support/kb/articles/{id}", draft).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.title").isEqualTo("Container crashes on start");
    }

    private List<String> hits(String token, String uri) {
        Map<?, ?> result = api.get(token, uri).expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        return ((List<?>) result.get("items")).stream()
                .map(hit -> ((Map<?, ?>) ((Map<?, ?>) hit).get("ticket")).get("id").toString()).toList();
    }
}
