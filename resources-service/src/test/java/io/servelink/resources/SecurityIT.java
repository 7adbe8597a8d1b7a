package io.servelink.resources;

import static io.servelink.infra.test.security.EndpointMatrix.Caller.ADMIN;
import static io.servelink.infra.test.security.EndpointMatrix.Caller.OPERATOR;
import static io.servelink.infra.test.security.EndpointMatrix.Caller.OWNER;
import static org.assertj.core.api.Assertions.assertThat;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.infra.test.TestTokens;
import io.servelink.infra.test.security.EndpointMatrix;
import io.servelink.infra.test.security.EndpointMatrix.Expect;
import io.servelink.infra.test.security.EndpointMatrix.Row;
import io.servelink.infra.test.security.HostileInput;
import io.servelink.infra.test.security.SecretsProbe;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

/**
 * resources-service against hostile callers: the authorization matrix of every endpoint, fuzzed input, oversized bodies,
 * no token or secret in logs or answers.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecurityIT extends ResourcesITSupport {

    private static final String TEAM = EndpointMatrix.TEAM;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    static List<Row> table() {
        return List.of(
                EndpointMatrix.teamRead("GET /api/resources/{team_slug}/limits"),
                EndpointMatrix.teamRead("GET /api/resources/{team_slug}/available"),
                EndpointMatrix.teamRead("GET /api/resources/{team_slug}/list"),
                EndpointMatrix.teamRead("GET /api/resources/{team_slug}/quote")
                        .path("/api/resources/" + TEAM + "/quote?purpose=plan_upgrade&reference=plan:pro"),
                EndpointMatrix.billing("POST /api/resources/{team_slug}/purchase")
                        .body("{\"resource_type\": \"ram\", \"quantity\": 1, \"payment_method\": \"credit_card\"}"),
                EndpointMatrix.billing("DELETE /api/resources/{team_slug}/cancel/{resource_id}"),
                EndpointMatrix.billing("POST /api/resources/{team_slug}/upgrade").body("{\"payment_method\": \"credit_card\"}"),
                EndpointMatrix.teamRead("GET /api/resources/{team_slug}/spend-control"),
                // the owner's alone: an admin manages billing, not how far the owner's bill may run
                EndpointMatrix.billing("PUT /api/resources/{team_slug}/spend-control").with(ADMIN, Expect.FORBIDDEN)
                        .body("{\"traffic_hard_cap_percent\": 150}"),
                EndpointMatrix.platform("POST /api/resources/admin/jobs/{job}", PlatformRole.OPERATOR)
                        .path("/api/resources/admin/jobs/expiry"));
    }

    @BeforeEach
    void paymentServiceAccepts() {
        stubInitiate("pay-matrix", Map.of("type", "redirect", "url", "https://provider.test/checkout/pay-matrix"));
    }

    @Test
    void everyEndpointHasARowInTheAuthorizationTable() {
        EndpointMatrix.assertCoversExactly(EndpointMatrix.endpoints(mappings), table());
    }

    @Test
    void everyCallerGetsTheExpectedStatusOnEveryEndpoint() {
        makePro(TEAM); // add-ons are for Pro teams: a Free team's owner gets a business 403, not an authorization one
        assertThat(EndpointMatrix.run(port, table())).isEmpty();
    }

    @Test
    void callersWhoMayNotActGetTheirRefusalWhateverTheBody() {
        makePro(TEAM);
        assertThat(EndpointMatrix.runRefusedWithMalformedBodies(port, table(), row -> row)).isEmpty();
    }

    /** Another team's member, or a member without the billing role, learns nothing about the body from the answer. */
    @Test
    void purchasingForATeamOneMayNotPayForIsForbiddenWhateverTheBody() {
        makePro(TEAM);
        for (String caller : List.of(TestTokens.owner(EndpointMatrix.OTHER), TestTokens.member(TEAM))) {
            for (String body : List.of("{\"resource_type\": ", "{}", "{\"resource_type\": \"ram\", \"quantity\": \"many\"}", "")) {
                HttpResponse<String> response = EndpointMatrix.Http.send(port, "POST", "/api/resources/" + TEAM + "/purchase", caller, body);
                assertThat(response.statusCode()).as(body).isEqualTo(403);
                assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                assertThat(response.body()).contains("https://problems.servelink.io/forbidden").doesNotContain("quantity");
            }
        }
    }

    @Test
    void hostileInputNeverAnswers5xxNorLeaksNorChangesStoredDataWhenRefused() {
        List<String> failures = new HostileInput(20261124L).run(port, table(), List.of(OWNER, ADMIN, OPERATOR), 20,
                HostileInput.databaseChecksum(this::connection, List.of("event_outbox", "processed_events", "shedlock")));
        assertThat(failures).isEmpty();
    }

    @Test
    void refusesAnOversizedBodyEarlyWithAProblem() {
        String huge = "{\"resource_type\": \"" + "x".repeat(2 * 1024 * 1024) + "\", \"quantity\": 1}";
        HttpResponse<String> response = EndpointMatrix.Http.send(port, "POST", "/api/resources/" + TEAM + "/purchase",
                TestTokens.owner(TEAM), huge);
        assertThat(response.statusCode()).isIn(400, 413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(EndpointMatrix.Http.leaks(response.body())).isNull();
    }

    @Test
    void secretsNeverAppearInLogsOrAnswers(CapturedOutput output) {
        String owner = TestTokens.owner(TEAM);
        SecretsProbe.of(port, TEAM)
                .badTokens("GET", "/api/resources/" + TEAM + "/limits", null)
                .badTokens("POST", "/api/resources/" + TEAM + "/purchase", "{\"resource_type\": \"ram\", \"quantity\": 1}")
                .badRequest("POST", "/api/resources/" + TEAM + "/purchase", owner, "{\"resource_type\": ")
                .badRequest("POST", "/api/resources/" + TEAM + "/purchase", owner, "{\"resource_type\": \"ram\", \"quantity\": \"many\"}")
                .badRequest("GET", "/api/resources/" + TEAM + "/quote?purpose=nonsense", owner, null)
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
