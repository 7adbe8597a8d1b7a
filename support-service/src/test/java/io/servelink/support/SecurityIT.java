package io.servelink.support;

import static io.servelink.infra.test.security.EndpointMatrix.Caller.ADMIN;
import static io.servelink.infra.test.security.EndpointMatrix.Caller.MEMBER;
import static io.servelink.infra.test.security.EndpointMatrix.Caller.OPERATOR;
import static io.servelink.infra.test.security.EndpointMatrix.Caller.OTHER_TEAM;
import static io.servelink.infra.test.security.EndpointMatrix.Caller.OWNER;
import static io.servelink.infra.test.security.EndpointMatrix.Caller.SUPPORT_AGENT;
import static io.servelink.infra.test.security.EndpointMatrix.Expect.FORBIDDEN;
import static io.servelink.infra.test.security.EndpointMatrix.Expect.NOT_FOUND;
import static io.servelink.infra.test.security.EndpointMatrix.Expect.PASSES;
import static org.assertj.core.api.Assertions.assertThat;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.infra.test.ReadOnlyServiceIT;
import io.servelink.infra.test.TestInfrastructure;
import io.servelink.infra.test.TestTokens;
import io.servelink.infra.test.security.EndpointMatrix;
import io.servelink.infra.test.security.EndpointMatrix.Row;
import io.servelink.infra.test.security.HostileInput;
import io.servelink.infra.test.security.SecretsProbe;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

/**
 * support-service against hostile callers: the authorization matrix of every endpoint ({@code SupportAccess}: members
 * on their own team's tickets, agents on every team's, internal notes agents-only, the knowledge base public to read),
 * fuzzed input, oversized bodies, and no token or secret in logs or answers.
 */
@ReadOnlyServiceIT
@ExtendWith(OutputCaptureExtension.class)
// no background writer (SLA job, mail relay) may change a table while the fuzzer compares checksums (jobs are off)
@TestPropertySource(properties = "servelink.support.notifications.relay-enabled=false")
class SecurityIT {

    private static final String TEAM = EndpointMatrix.TEAM;
    private static final String TICKETS = "/api/support/" + TEAM + "/tickets";
    /** Placeholders the rows' paths carry, replaced by fresh ids just before a row is called. */
    private static final String TICKET = "{ticket}";
    private static final String RESOLVED_TICKET = "{resolved_ticket}";
    private static final String ARTICLE = "{published_article}";
    private static final String DRAFT = "{draft_article}";
    private static final String NEW_TICKET = """
            {"subject": "Deploy fails", "description": "The build stops at step 3", "category": "technical"}""";
    private static final String REPLY = """
            {"body": "Any news?"}""";
    private static final String INTERNAL_NOTE = """
            {"body": "Customer on the old runtime", "is_internal": true}""";

    @LocalServerPort
    int port;
    @Autowired
    TestInfrastructure infra;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;
    SupportApi api;

    static List<Row> table() {
        return List.of(
                EndpointMatrix.teamRead("POST /api/support/{team_slug}/tickets").body(NEW_TICKET),
                teamOrAgent("GET /api/support/{team_slug}/tickets"),
                teamOrAgent("GET /api/support/{team_slug}/tickets/{ticket_id}").path(TICKETS + "/" + TICKET),
                anotherTeamsTicket("GET /api/support/{team_slug}/tickets/{ticket_id}", ""),
                teamOrAgent("POST /api/support/{team_slug}/tickets/{ticket_id}/messages")
                        .path(TICKETS + "/" + TICKET + "/messages").body(REPLY),
                anotherTeamsTicket("POST /api/support/{team_slug}/tickets/{ticket_id}/messages", "/messages").body(REPLY),
                // an internal note: agents only, even on the team's own ticket
                agent("POST /api/support/{team_slug}/tickets/{ticket_id}/messages")
                        .path(TICKETS + "/" + TICKET + "/messages").body(INTERNAL_NOTE),
                // the live stream: only its status is checked (the stream itself never ends)
                teamOrAgent("GET /api/support/{team_slug}/tickets/{ticket_id}/stream").path(TICKETS + "/" + TICKET + "/stream"),
                anotherTeamsTicket("GET /api/support/{team_slug}/tickets/{ticket_id}/stream", "/stream"),
                EndpointMatrix.teamRead("GET /api/support/{team_slug}/tickets/suggestions").path(TICKETS + "/suggestions?subject=deploy"),
                EndpointMatrix.teamRead("GET /api/support/{team_slug}/tickets/search").path(TICKETS + "/search?q=deploy"),
                teamOrAgent("GET /api/support/{team_slug}/stats"),
                agent("GET /api/support/agent/queue"),
                agent("GET /api/support/agent/tickets/{ticket_id}").path("/api/support/agent/tickets/" + TICKET),
                agent("POST /api/support/agent/tickets/{ticket_id}/assign").path("/api/support/agent/tickets/" + TICKET + "/assign")
                        .body("{}"),
                agent("POST /api/support/agent/tickets/{ticket_id}/status").path("/api/support/agent/tickets/" + TICKET + "/status")
                        .body("{\"status\": \"in_progress\"}"),
                agent("POST /api/support/agent/tickets/{ticket_id}/priority")
                        .path("/api/support/agent/tickets/" + TICKET + "/priority").body("{\"priority\": \"urgent\"}"),
                agent("POST /api/support/agent/tickets/{ticket_id}/article-draft")
                        .path("/api/support/agent/tickets/" + RESOLVED_TICKET + "/article-draft"),
                agent("GET /api/support/agent/tickets/search").path("/api/support/agent/tickets/search?q=deploy"),
                EndpointMatrix.publicRead("GET /api/support/kb/articles").path("/api/support/kb/articles?q=deploy"),
                EndpointMatrix.publicRead("GET /api/support/kb/articles/{article_id}").path("/api/support/kb/articles/" + ARTICLE),
                agent("GET /api/support/agent/kb/articles"),
                agent("POST /api/support/agent/kb/articles").body("{\"title\": \"Deploys\", \"body\": \"How deploys work\"}"),
                agent("POST /api/support/agent/kb/articles/{article_id}/publish")
                        .path("/api/support/agent/kb/articles/" + DRAFT + "/publish"),
                EndpointMatrix.platform("POST /api/support/admin/jobs/{job}", PlatformRole.OPERATOR)
                        .path("/api/support/admin/jobs/sla-breaches"));
    }

    /** The team's members as customers, and support agents (any team); nobody else. */
    private static Row teamOrAgent(String endpoint) {
        return EndpointMatrix.teamRead(endpoint).with(SUPPORT_AGENT, PASSES);
    }

    private static Row agent(String endpoint) {
        return EndpointMatrix.platform(endpoint, PlatformRole.SUPPORT_AGENT);
    }

    /**
     * The team's ticket asked for under another team's path: that team's owner and an agent find nothing (no existence
     * oracle), the ticket's own team members are not members of the path's team.
     */
    private static Row anotherTeamsTicket(String endpoint, String suffix) {
        return EndpointMatrix.teamRead(endpoint).path("/api/support/" + EndpointMatrix.OTHER + "/tickets/" + TICKET + suffix)
                .with(MEMBER, FORBIDDEN).with(ADMIN, FORBIDDEN).with(OWNER, FORBIDDEN)
                .with(OTHER_TEAM, NOT_FOUND).with(SUPPORT_AGENT, NOT_FOUND);
    }

    @BeforeEach
    void setUp() {
        api = new SupportApi(port, infra);
    }

    @Test
    void everyEndpointHasARowInTheAuthorizationTable() {
        EndpointMatrix.assertCoversExactly(EndpointMatrix.endpoints(mappings), table());
    }

    @Test
    void everyCallerGetsTheExpectedStatusOnEveryEndpoint() {
        assertThat(EndpointMatrix.run(port, table(), this::withFreshIds)).isEmpty();
    }

    /**
     * The internal note's row is left out: a member may post on the team's tickets, and whether a message is an internal
     * note (agents only) is in its body, so a member's malformed body is a 400.
     */
    @Test
    void callersWhoMayNotActGetTheirRefusalWhateverTheBody() {
        List<Row> rows = table().stream().filter(row -> !INTERNAL_NOTE.equals(row.body())).toList();
        assertThat(EndpointMatrix.runRefusedWithMalformedBodies(port, rows, this::withFreshIds)).isEmpty();
    }

    @Test
    void hostileInputNeverAnswers5xxNorLeaksNorChangesStoredDataWhenRefused() {
        api.createTicket(TestTokens.owner(TEAM), TEAM, "Deploy fails", "Something to find", "technical");
        Map<String, Row> onePerEndpoint = new LinkedHashMap<>();
        table().forEach(row -> onePerEndpoint.putIfAbsent(row.endpoint(), row));
        List<String> failures = new HostileInput(20261124L).run(port, List.copyOf(onePerEndpoint.values()),
                List.of(MEMBER, OWNER, SUPPORT_AGENT, OPERATOR), 20,
                HostileInput.databaseChecksum(this::connection, List.of("event_outbox", "processed_events", "shedlock")));
        assertThat(failures).isEmpty();
    }

    @Test
    void refusesAnOversizedBodyEarlyWithAProblem() {
        String huge = "{\"subject\": \"big\", \"description\": \"" + "x".repeat(2 * 1024 * 1024) + "\", \"category\": \"other\"}";
        HttpResponse<String> response = EndpointMatrix.Http.send(port, "POST", TICKETS, TestTokens.owner(TEAM), huge);
        assertThat(response.statusCode()).isIn(400, 413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(EndpointMatrix.Http.leaks(response.body())).isNull();
    }

    @Test
    void secretsNeverAppearInLogsOrAnswers(CapturedOutput output) {
        String member = TestTokens.member(TEAM);
        String agent = TestTokens.platform(PlatformRole.SUPPORT_AGENT);
        SecretsProbe.of(port, TEAM)
                .badTokens("GET", TICKETS, null)
                .badTokens("GET", "/api/support/kb/articles", null) // public, yet a bad token is refused
                .badRequest("POST", TICKETS, member, "{\"subject\": ")
                .badRequest("POST", TICKETS, member, "{\"subject\": \"s\", \"description\": \"d\", \"category\": \"plumbing\"}")
                .badRequest("GET", TICKETS + "/not-a-uuid", member, null)
                .badRequest("GET", TICKETS + "?status=sleeping", member, null)
                .badRequest("POST", "/api/support/agent/tickets/00000000-0000-4000-8000-000000000000/status", agent, "{\"status\": 7}")
                .assertNothingLeaked(output);
    }

    /** Replaces the placeholders of a row's path with ids made for it: the team's ticket, a resolved one, articles. */
    private Row withFreshIds(Row row) {
        String path = row.path();
        path = fill(path, TICKET, this::ticket);
        path = fill(path, RESOLVED_TICKET, this::resolvedTicket);
        path = fill(path, ARTICLE, () -> article(true));
        path = fill(path, DRAFT, () -> article(false));
        return row.path(path);
    }

    private static String fill(String path, String placeholder, Supplier<String> id) {
        return path.contains(placeholder) ? path.replace(placeholder, id.get()) : path;
    }

    private String ticket() {
        return api.createTicket(TestTokens.owner(TEAM), TEAM, "Deploy fails", "The build stops at step 3", "technical");
    }

    private String resolvedTicket() {
        String id = ticket();
        api.post(TestTokens.platform(PlatformRole.SUPPORT_AGENT), "{\"status\": \"resolved\"}", "/api/support/agent/tickets/{id}/status", id)
                .expectStatus().isOk();
        return id;
    }

    private String article(boolean published) {
        return api.post(TestTokens.platform(PlatformRole.SUPPORT_AGENT),
                        "{\"title\": \"Deploy steps\", \"body\": \"Step 3 builds\", \"publish\": " + published + "}",
                        "/api/support/agent/kb/articles")
                .expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
    }

    private java.sql.Connection connection() {
        try {
            return infra.openConnection();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
