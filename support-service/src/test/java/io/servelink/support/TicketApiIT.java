package io.servelink.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.entitlements.EffectiveLimits;
import io.servelink.contracts.events.entitlements.EntitlementsChanged;
import io.servelink.contracts.security.PlatformRole;
import io.servelink.infra.test.ServiceIT;
import io.servelink.infra.test.TestInfrastructure;
import io.servelink.infra.test.TestTokens;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

@ServiceIT
@TestPropertySource(properties = "servelink.jobs.enabled=false")
class TicketApiIT {

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
    void createsListsAndReadsTicketsWithFiltersAndPaging() {
        String member = TestTokens.member("listing");
        String first = api.createTicket(member, "listing", "Site is down", "Our project answers 502", "technical");
        api.createTicket(member, "listing", "Invoice question", "Please send an invoice", "billing");
        api.createTicket(member, "listing", "Dark mode", "Please add dark mode", "feature_request");

        api.get(member, "/api/support/listing/tickets?size=2&page=0").expectStatus().isOk().expectBody()
                .jsonPath("$.items.length()").isEqualTo(2)
                .jsonPath("$.total").isEqualTo(3)
                .jsonPath("$.items[0].subject").isEqualTo("Dark mode");
        api.get(member, "/api/support/listing/tickets?size=2&page=1").expectStatus().isOk().expectBody()
                .jsonPath("$.items.length()").isEqualTo(1)
                .jsonPath("$.items[0].subject").isEqualTo("Site is down");
        api.get(member, "/api/support/listing/tickets?category=billing").expectStatus().isOk().expectBody()
                .jsonPath("$.total").isEqualTo(1)
                .jsonPath("$.items[0].category").isEqualTo("billing");
        api.get(member, "/api/support/listing/tickets?status=in_progress").expectStatus().isOk().expectBody()
                .jsonPath("$.total").isEqualTo(0);
        api.get(member, "/api/support/listing/tickets/{id}", first).expectStatus().isOk().expectBody()
                .jsonPath("$.id").isEqualTo(first)
                .jsonPath("$.team_slug").isEqualTo("listing")
                .jsonPath("$.status").isEqualTo("open")
                .jsonPath("$.priority").isEqualTo("normal")
                .jsonPath("$.plan").isEqualTo("free")
                .jsonPath("$.description").isEqualTo("Our project answers 502")
                .jsonPath("$.first_response_due_at").isNotEmpty()
                .jsonPath("$.resolution_due_at").isNotEmpty();
    }

    @Test
    void refusesOtherTeamsAndWrongRolesWith403AndHidesOtherTeamsTicketsAs404() {
        String acmeTicket = api.createTicket(TestTokens.owner("acme"), "acme", "Help", "Something broke", "other");
        String globex = TestTokens.member("globex");

        api.get(globex, "/api/support/acme/tickets").expectStatus().isForbidden()
                .expectHeader().contentType("application/problem+json");
        api.get(globex, "/api/support/acme/tickets/{id}", acmeTicket).expectStatus().isForbidden();
        api.post(globex, """
                {"subject": "x", "description": "y", "category": "other"}""", "/api/support/acme/tickets").expectStatus().isForbidden();
        api.get(globex, "/api/support/acme/stats").expectStatus().isForbidden();
        api.get(globex, "/api/support/globex/tickets/{id}", acmeTicket).expectStatus().isNotFound()
                .expectBody().jsonPath("$.type").isEqualTo("https://problems.servelink.io/not-found");
        api.post(globex, """
                {"body": "hi"}""", "/api/support/globex/tickets/{id}/messages", acmeTicket).expectStatus().isNotFound();
        api.get(globex, "/api/support/globex/tickets/{id}/stream", acmeTicket).expectStatus().isNotFound();

        String member = TestTokens.member("acme");
        api.get(member, "/api/support/agent/queue").expectStatus().isForbidden();
        api.get(member, "/api/support/agent/tickets/{id}", acmeTicket).expectStatus().isForbidden();
        api.post(member, """
                {"status": "resolved"}""", "/api/support/agent/tickets/{id}/status", acmeTicket).expectStatus().isForbidden();
        api.post(member, "{}", "/api/support/agent/tickets/{id}/assign", acmeTicket).expectStatus().isForbidden();
        api.post(AGENT, "{}", "/api/support/admin/jobs/sla-breaches").expectStatus().isForbidden();
        api.client().get().uri("/api/support/acme/tickets").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void rejectsBadInputNamingTheFieldsAndStoresNothing() throws Exception {
        String member = TestTokens.member("badinput");
        api.post(member, """
                {"subject": "", "description": "d", "category": "technical"}""", "/api/support/badinput/tickets")
                .expectStatus().isBadRequest().expectHeader().contentType("application/problem+json")
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("subject");
        api.post(member, """
                {"subject": "s", "description": "d", "category": "plumbing"}""", "/api/support/badinput/tickets")
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("category");
        // enums are their wire codes only: not the constant's name, not its index
        api.post(member, """
                {"subject": "s", "description": "d", "category": "TECHNICAL"}""", "/api/support/badinput/tickets")
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("category");
        api.post(member, """
                {"subject": "s", "description": "d", "category": 1}""", "/api/support/badinput/tickets")
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("category");
        api.post(member, """
                {"subject": "s", "description": "d"}""", "/api/support/badinput/tickets")
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("category");
        api.post(member, """
                {"subject": "s", "description": "d", "category": "other", "priority": "asap"}""", "/api/support/badinput/tickets")
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("priority");
        api.get(member, "/api/support/badinput/tickets?status=sleeping").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("status");
        api.get(member, "/api/support/badinput/tickets?size=0").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("size");
        api.get(member, "/api/support/badinput/tickets?page=100001").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("page");
        api.get(AGENT, "/api/support/agent/queue?page=100001").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("page");
        api.get(AGENT, "/api/support/agent/queue?team=" + "t".repeat(64)).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("team");
        api.get(AGENT, "/api/support/agent/queue?assignee=" + "a".repeat(201)).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("assignee");
        api.get(AGENT, "/api/support/agent/tickets/search?q=x&team=" + "t".repeat(64)).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("team");
        api.get(member, "/api/support/badinput/tickets/not-a-uuid").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("ticket_id");
        String id = api.createTicket(member, "badinput", "Fine", "Fine", "other");
        api.post(member, """
                {"body": "  "}""", "/api/support/badinput/tickets/{id}/messages", id)
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("body");
        api.post(AGENT, """
                {"status": "done"}""", "/api/support/agent/tickets/{id}/status", id)
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("status");
        assertThat(count("SELECT count(*) FROM tickets WHERE team_slug = 'badinput'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM ticket_messages m JOIN tickets t ON t.id = m.ticket_id "
                + "WHERE t.team_slug = 'badinput' AND m.author_kind <> 'assistant'")).isZero();
    }

    @Test
    void proTeamsTicketStartsAtHighPriorityFromTheNewestEntitlementsSnapshot() throws Exception {
        EffectiveLimits limits = new EffectiveLimits(100_000_000_000L, 50_000_000_000L, 4096, 4);
        String topic = infra.topics().entitlements();
        api.publish(topic, "pro-team", EventEnvelope.of(new EntitlementsChanged("pro-team", "pro", Instant.now().plusSeconds(86400), 2, limits), Instant.now()));
        api.publish(topic, "pro-team", EventEnvelope.of(new EntitlementsChanged("pro-team", "free", null, 1, limits), Instant.now()));
        await().atMost(Duration.ofSeconds(20)).until(() -> count("SELECT count(*) FROM team_entitlements WHERE team_slug = 'pro-team' AND plan = 'pro'") == 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> api.consumedAll("support-service.entitlements", topic));
        assertThat(count("SELECT count(*) FROM team_entitlements WHERE team_slug = 'pro-team' AND plan = 'pro' AND version = 2")).isOne();

        String member = TestTokens.member("pro-team");
        String pro = api.createTicket(member, "pro-team", "Pro question", "Something", "technical");
        api.get(member, "/api/support/pro-team/tickets/{id}", pro).expectStatus().isOk().expectBody()
                .jsonPath("$.priority").isEqualTo("high")
                .jsonPath("$.plan").isEqualTo("pro");
        String free = api.createTicket(TestTokens.member("free-team"), "free-team", "Free question", "Something", "technical");
        api.get(AGENT, "/api/support/agent/tickets/{id}", free).expectStatus().isOk().expectBody()
                .jsonPath("$.priority").isEqualTo("normal");
    }

    @Test
    void statusFollowsTheConversationAndRefusesIllegalMoves() {
        String member = TestTokens.member("flow");
        String id = api.createTicket(member, "flow", "Deploy fails", "The build step fails", "technical");
        String path = "/api/support/flow/tickets/{id}";

        api.reply(AGENT, "flow", id, "Which image do you use?", false);
        Map<?, ?> waiting = ticket(member, id);
        assertThat(waiting.get("status")).isEqualTo("waiting");
        assertThat(waiting.get("first_response_at")).isNotNull();

        api.reply(member, "flow", id, "node:22", false);
        assertThat(ticket(member, id).get("status")).isEqualTo("open");

        api.post(AGENT, """
                {"status": "resolved"}""", "/api/support/agent/tickets/{id}/status", id).expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("resolved").jsonPath("$.resolved_at").isNotEmpty();
        api.post(AGENT, """
                {"status": "waiting"}""", "/api/support/agent/tickets/{id}/status", id).expectStatus().isEqualTo(409)
                .expectHeader().contentType("application/problem+json")
                .expectBody().jsonPath("$.type").isEqualTo("https://problems.servelink.io/conflict");

        api.reply(member, "flow", id, "Still broken", false);
        Map<?, ?> reopened = ticket(member, id);
        assertThat(reopened.get("status")).isEqualTo("open");
        assertThat(reopened.get("resolved_at")).isNull();

        api.post(AGENT, """
                {"status": "resolved"}""", "/api/support/agent/tickets/{id}/status", id).expectStatus().isOk();
        api.post(AGENT, """
                {"status": "closed"}""", "/api/support/agent/tickets/{id}/status", id).expectStatus().isOk()
                .expectBody().jsonPath("$.closed_at").isNotEmpty().jsonPath("$.resolved_at").isNotEmpty();
        api.post(member, """
                {"body": "hello?"}""", path + "/messages", id).expectStatus().isEqualTo(409);
        api.post(AGENT, """
                {"body": "hello?"}""", path + "/messages", id).expectStatus().isEqualTo(409);
        api.post(AGENT, """
                {"status": "closed"}""", "/api/support/agent/tickets/{id}/status", id).expectStatus().isEqualTo(409);

        api.post(AGENT, """
                {"status": "open"}""", "/api/support/agent/tickets/{id}/status", id).expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("open")
                .jsonPath("$.closed_at").doesNotExist().jsonPath("$.resolved_at").doesNotExist();
    }

    @Test
    void internalNotesAreForAgentsOnly() {
        String member = TestTokens.member("notes");
        String id = api.createTicket(member, "notes", "Billing mismatch", "Charged twice", "billing");
        api.post(member, """
                {"body": "let me see the notes", "is_internal": true}""", "/api/support/notes/tickets/{id}/messages", id)
                .expectStatus().isForbidden();

        api.reply(AGENT, "notes", id, "Customer is a known fraud risk", true);
        api.reply(AGENT, "notes", id, "We are refunding one charge", false);

        Map<?, ?> customerView = ticket(member, id);
        List<?> customerMessages = (List<?>) customerView.get("messages");
        assertThat(customerMessages.stream().map(m -> String.valueOf(((Map<?, ?>) m).get("body"))).toList())
                .contains("We are refunding one charge").doesNotContain("Customer is a known fraud risk");
        assertThat(customerMessages).allSatisfy(m -> assertThat(((Map<?, ?>) m).get("is_internal")).isEqualTo(false));
        api.get(member, "/api/support/notes/tickets").expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body).doesNotContain("fraud"));

        api.get(AGENT, "/api/support/agent/tickets/{id}", id).expectStatus().isOk().expectBody()
                .jsonPath("$.messages[?(@.is_internal == true)].body").isEqualTo(List.of("Customer is a known fraud risk"));
        api.get(AGENT, "/api/support/notes/tickets/{id}", id).expectStatus().isOk().expectBody(String.class)
                .value(body -> assertThat(body).contains("fraud risk"));
        // an internal note is not a response and changes no status
        api.get(AGENT, "/api/support/agent/tickets/{id}", id).expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("waiting");
    }

    @Test
    void agentQueueIsOrderedBySlaDueTimeAndAgentsAssignAndReprioritize() {
        String member = TestTokens.member("queue-team");
        String low = api.post(member, """
                {"subject": "Low", "description": "d", "category": "other", "priority": "low"}""", "/api/support/queue-team/tickets")
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
        String urgent = api.post(member, """
                {"subject": "Urgent", "description": "d", "category": "other", "priority": "urgent"}""", "/api/support/queue-team/tickets")
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
        String normal = api.createTicket(member, "queue-team", "Normal", "d", "other");

        assertThat(queueIds("/api/support/agent/queue?team=queue-team")).containsExactly(urgent, normal, low);

        api.post(AGENT, "{}", "/api/support/agent/tickets/{id}/assign", low).expectStatus().isOk().expectBody()
                .jsonPath("$.assignee").isEqualTo("staff-support_agent")
                .jsonPath("$.status").isEqualTo("in_progress");
        assertThat(queueIds("/api/support/agent/queue?team=queue-team&unassigned=true")).containsExactly(urgent, normal);
        assertThat(queueIds("/api/support/agent/queue?assignee=staff-support_agent")).containsExactly(low);

        api.post(AGENT, """
                {"priority": "urgent"}""", "/api/support/agent/tickets/{id}/priority", low).expectStatus().isOk().expectBody()
                .jsonPath("$.priority").isEqualTo("urgent");
        assertThat(queueIds("/api/support/agent/queue?team=queue-team")).containsExactly(low, urgent, normal);
        assertThat(queueIds("/api/support/agent/queue?team=queue-team&priority=urgent")).containsExactly(low, urgent);
        api.post(AGENT, """
                {"status": "resolved"}""", "/api/support/agent/tickets/{id}/status", low).expectStatus().isOk();
        assertThat(queueIds("/api/support/agent/queue?team=queue-team")).containsExactly(urgent, normal);
        api.post(AGENT, "{}", "/api/support/agent/tickets/{id}/assign", "00000000-0000-0000-0000-000000000000")
                .expectStatus().isNotFound();
    }

    private List<String> queueIds(String uri) {
        Map<?, ?> page = api.get(AGENT, uri).expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        return ((List<?>) page.get("items")).stream().map(item -> ((Map<?, ?>) item).get("id").toString()).toList();
    }

    /** The ticket as the customer with {@code token} sees it (the team is looked up through the agent API). */
    private Map<?, ?> ticket(String token, String id) {
        Map<?, ?> agentView = api.get(AGENT, "/api/support/agent/tickets/{id}", id).expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        return api.get(token, "/api/support/{team}/tickets/{id}", agentView.get("team_slug"), id).expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    private long count(String sql) throws Exception {
        try (Connection connection = infra.openConnection(); ResultSet rs = connection.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
