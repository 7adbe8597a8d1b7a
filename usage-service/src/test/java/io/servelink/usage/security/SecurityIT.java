package io.servelink.usage.security;

import static io.servelink.infra.test.security.EndpointMatrix.Caller.ADMIN;
import static io.servelink.infra.test.security.EndpointMatrix.Caller.MEMBER;
import static io.servelink.infra.test.security.EndpointMatrix.Caller.OPERATOR;
import static io.servelink.infra.test.security.EndpointMatrix.Caller.OWNER;
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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

/**
 * usage-service against hostile callers: the authorization matrix of every endpoint, fuzzed input, oversized bodies, no
 * token or secret in logs or answers.
 */
@ReadOnlyServiceIT
@ExtendWith(OutputCaptureExtension.class)
class SecurityIT {

    private static final String TEAM = EndpointMatrix.TEAM;

    @LocalServerPort
    int port;
    @Autowired
    TestInfrastructure infra;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    static List<Row> table() {
        return List.of(
                EndpointMatrix.teamRead("GET /api/usage/{team_slug}"),
                EndpointMatrix.teamRead("GET /api/usage/{team_slug}/projects/{project_id}"),
                EndpointMatrix.teamRead("GET /api/usage/{team_slug}/daily"),
                EndpointMatrix.teamRead("GET /api/usage/{team_slug}/trend"),
                EndpointMatrix.teamRead("GET /api/usage/{team_slug}/forecast"),
                EndpointMatrix.teamRead("GET /api/usage/{team_slug}/projects/compare"),
                EndpointMatrix.teamRead("GET /api/usage/{team_slug}/export.csv"),
                EndpointMatrix.teamRead("GET /api/usage/{team_slug}/report.pdf"),
                EndpointMatrix.teamRead("GET /api/usage/{team_slug}/alert-thresholds"),
                EndpointMatrix.teamRead("GET /api/usage/{team_slug}/projects/{project_id}/sleep"),
                EndpointMatrix.billing("POST /api/usage/{team_slug}/projects/{project_id}/wake"),
                EndpointMatrix.teamRead("GET /api/usage/{team_slug}/alerts"),
                EndpointMatrix.billing("PUT /api/usage/{team_slug}/alert-thresholds").body("{\"thresholds\": [50]}"),
                EndpointMatrix.platform("POST /api/usage/admin/jobs/{job}", PlatformRole.OPERATOR)
                        .path("/api/usage/admin/jobs/no-such-job"));
    }

    @Test
    void everyEndpointHasARowInTheAuthorizationTable() {
        EndpointMatrix.assertCoversExactly(EndpointMatrix.endpoints(mappings), table());
    }

    @Test
    void everyCallerGetsTheExpectedStatusOnEveryEndpoint() {
        assertThat(EndpointMatrix.run(port, table())).isEmpty();
    }

    @Test
    void callersWhoMayNotActGetTheirRefusalWhateverTheBody() {
        assertThat(EndpointMatrix.runRefusedWithMalformedBodies(port, table(), row -> row)).isEmpty();
    }

    @Test
    void hostileInputNeverAnswers5xxNorLeaksNorChangesStoredDataWhenRefused() {
        List<String> failures = new HostileInput(20261124L).run(port, table(), List.of(MEMBER, OWNER, ADMIN, OPERATOR), 20,
                HostileInput.databaseChecksum(this::connection, List.of("event_outbox", "processed_events", "shedlock")));
        assertThat(failures).isEmpty();
    }

    @Test
    void refusesAnOversizedBodyEarlyWithAProblem() {
        String huge = "{\"thresholds\": [" + "1,".repeat(1024 * 1024) + "1]}";
        HttpResponse<String> response = EndpointMatrix.Http.send(port, "PUT", "/api/usage/" + TEAM + "/alert-thresholds",
                TestTokens.owner(TEAM), huge);
        assertThat(response.statusCode()).isIn(400, 413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(EndpointMatrix.Http.leaks(response.body())).isNull();
    }

    @Test
    void secretsNeverAppearInLogsOrAnswers(CapturedOutput output) {
        String owner = TestTokens.owner(TEAM);
        SecretsProbe.of(port, TEAM)
                .badTokens("GET", "/api/usage/" + TEAM, null)
                .badTokens("PUT", "/api/usage/" + TEAM + "/alert-thresholds", "{\"thresholds\": [50]}")
                .badRequest("PUT", "/api/usage/" + TEAM + "/alert-thresholds", owner, "{\"thresholds\": ")
                .badRequest("PUT", "/api/usage/" + TEAM + "/alert-thresholds", owner, "{\"thresholds\": [\"half\"]}")
                .badRequest("GET", "/api/usage/" + TEAM + "/daily?month=2026-13", owner, null)
                .badRequest("GET", "/api/usage/" + TEAM + "/alerts?limit=many", owner, null)
                .assertNothingLeaked(output);
    }

    private java.sql.Connection connection() {
        try {
            return infra.openConnection();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
