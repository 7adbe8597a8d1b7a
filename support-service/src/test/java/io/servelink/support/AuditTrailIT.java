package io.servelink.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.infra.test.ServiceIT;
import io.servelink.infra.test.TestInfrastructure;
import io.servelink.infra.test.TestTokens;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Agents' changes of a ticket (assignment, status, priority, internal notes), knowledge-base writes and operators'
 * job runs each write exactly one audit row naming the agent, the team, the ticket or article and the client
 * address; refused requests write none, and neither do customers' own messages.
 */
@ServiceIT
@TestPropertySource(properties = "servelink.support.jobs.scheduling-enabled=false")
class AuditTrailIT {

    static final String AGENT = TestTokens.platform(PlatformRole.SUPPORT_AGENT);
    static final String OPERATOR = TestTokens.platform(PlatformRole.OPERATOR);

    @LocalServerPort
    int port;
    @Autowired
    TestInfrastructure infra;
    SupportApi api;

    @BeforeEach
    void setUp() {
        api = new SupportApi(port, infra);
    }

    private WebTestClient.ResponseSpec agentPost(String token, String body, String uri, Object... vars) {
        return api.client().post().uri(uri, vars).header("Authorization", "Bearer " + token)
                .header("X-Forwarded-For", "203.0.113.9")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private List<Map<String, Object>> auditOf(String subjectId) throws SQLException {
        return query("SELECT actor, action, team_slug, remote_address, forwarded_for, details::text AS details "
                + "FROM audit_log WHERE subject_id = ? ORDER BY id", subjectId);
    }

    @Test
    void eachAgentChangeOfATicketIsAuditedOnceWithWhatChanged() throws Exception {
        String ticket = api.createTicket(TestTokens.member("audit-desk"), "audit-desk", "Slow site", "It is slow", "technical");

        agentPost(AGENT, "{\"assignee\": \"agent-ann\"}", "/api/support/agent/tickets/{id}/assign", ticket).expectStatus().isOk();
        agentPost(AGENT, "{\"priority\": \"urgent\"}", "/api/support/agent/tickets/{id}/priority", ticket).expectStatus().isOk();
        agentPost(AGENT, "{\"body\": \"Customer is on the old cluster\", \"is_internal\": true}",
                "/api/support/audit-desk/tickets/{id}/messages", ticket).expectStatus().isCreated();
        agentPost(AGENT, "{\"status\": \"resolved\"}", "/api/support/agent/tickets/{id}/status", ticket).expectStatus().isOk();

        List<Map<String, Object>> rows = auditOf(ticket);
        assertThat(rows).extracting(row -> row.get("action")).containsExactly("ticket.assigned", "ticket.priority_changed",
                "ticket.internal_note_added", "ticket.status_changed");
        assertThat(rows).allSatisfy(row -> assertThat(row)
                .containsEntry("actor", "staff-support_agent").containsEntry("team_slug", "audit-desk")
                .containsEntry("forwarded_for", "203.0.113.9")
                .hasEntrySatisfying("remote_address", address -> assertThat(address).isIn("127.0.0.1", "0:0:0:0:0:0:0:1")));
        assertThat(rows.get(0).get("details")).isEqualTo(
                "{\"status\": \"in_progress\", \"assignee\": \"agent-ann\", \"status_before\": \"open\", \"assignee_before\": null}");
        assertThat(rows.get(1).get("details")).isEqualTo("{\"priority\": \"urgent\", \"priority_before\": \"normal\"}");
        assertThat((String) rows.get(2).get("details")).contains("message_id").doesNotContain("old cluster");
        assertThat(rows.get(3).get("details")).isEqualTo("{\"status\": \"resolved\", \"status_before\": \"in_progress\"}");
    }

    @Test
    void refusedChangesAndCustomersMessagesWriteNoAuditRow() throws Exception {
        String member = TestTokens.member("audit-refused");
        String ticket = api.createTicket(member, "audit-refused", "Question", "How do I?", "other");
        long before = count("SELECT count(*) FROM audit_log");

        api.reply(member, "audit-refused", ticket, "Still waiting", false);                                    // a customer: not audited
        agentPost(member, "{\"status\": \"closed\"}", "/api/support/agent/tickets/{id}/status", ticket).expectStatus().isForbidden();
        agentPost(member, "{\"body\": \"psst\", \"is_internal\": true}", "/api/support/audit-refused/tickets/{id}/messages", ticket)
                .expectStatus().isForbidden();
        agentPost(AGENT, "{\"status\": \"open\"}", "/api/support/agent/tickets/{id}/status", ticket).expectStatus().isEqualTo(409);
        agentPost(AGENT, "{\"priority\": \"enormous\"}", "/api/support/agent/tickets/{id}/priority", ticket).expectStatus().isBadRequest();
        agentPost(AGENT, "{\"assignee\": \"agent-bob\"}", "/api/support/agent/tickets/{id}/assign", UUID.randomUUID()).expectStatus().isNotFound();
        agentPost(AGENT, "{}", "/api/support/agent/tickets/{id}/article-draft", ticket).expectStatus().isEqualTo(409);
        agentPost(member, "{\"title\": \"t\", \"body\": \"b\"}", "/api/support/agent/kb/articles").expectStatus().isForbidden();
        agentPost(AGENT, "{}", "/api/support/agent/kb/articles/{id}/publish", UUID.randomUUID()).expectStatus().isNotFound();
        agentPost(AGENT, "{}", "/api/support/admin/jobs/sla-breaches").expectStatus().isForbidden();

        assertThat(count("SELECT count(*) FROM audit_log")).isEqualTo(before);
        assertThat(query("SELECT status FROM tickets WHERE id = ?", UUID.fromString(ticket))).containsExactly(Map.of("status", "open"));
    }

    @Test
    void knowledgeBaseWritesAreAuditedAndRepeatingThemWithoutAChangeIsNot() throws Exception {
        String article = (String) agentPost(AGENT, "{\"title\": \"Custom domains\", \"body\": \"Point a CNAME at us.\"}",
                "/api/support/agent/kb/articles").expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id");
        for (int i = 0; i < 2; i++) {
            agentPost(AGENT, "{}", "/api/support/agent/kb/articles/{id}/publish", article).expectStatus().isOk();
        }
        assertThat(auditOf(article)).extracting(row -> row.get("action")).containsExactly("kb_article.created", "kb_article.published");
        assertThat(auditOf(article).getFirst()).containsEntry("actor", "staff-support_agent").containsEntry("team_slug", null)
                .containsEntry("details", "{\"status\": \"draft\"}");

        String ticket = api.createTicket(TestTokens.member("audit-kb"), "audit-kb", "Domains", "How to add a domain", "technical");
        agentPost(AGENT, "{\"status\": \"resolved\"}", "/api/support/agent/tickets/{id}/status", ticket).expectStatus().isOk();
        String draft = null;
        for (int i = 0; i < 2; i++) {
            draft = (String) agentPost(AGENT, "{}", "/api/support/agent/tickets/{id}/article-draft", ticket).expectStatus().isCreated()
                    .expectBody(Map.class).returnResult().getResponseBody().get("id");
        }
        assertThat(auditOf(draft)).singleElement().satisfies(row -> assertThat(row)
                .containsEntry("action", "kb_article.drafted_from_ticket")
                .containsEntry("details", "{\"ticket_id\": \"" + ticket + "\"}"));
    }

    @Test
    void anOperatorsRunOfTheSlaJobIsAudited() throws Exception {
        agentPost(OPERATOR, "{}", "/api/support/admin/jobs/sla-breaches").expectStatus().isOk();

        assertThat(auditOf("sla-breaches")).singleElement().satisfies(row -> assertThat(row)
                .containsEntry("action", "job.triggered").containsEntry("actor", "staff-operator")
                .containsEntry("forwarded_for", "203.0.113.9")
                .hasEntrySatisfying("details", details -> assertThat((String) details)
                        .contains("\"job\": \"sla-breaches\"").contains("\"ran\": true")));
    }

    private long count(String sql) throws SQLException {
        return infra.count(sql);
    }

    private List<Map<String, Object>> query(String sql, Object... args) throws SQLException {
        return infra.query(sql, args);
    }
}
