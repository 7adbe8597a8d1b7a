package io.servelink.idp;

import static org.assertj.core.api.Assertions.assertThat;

import io.servelink.contracts.security.PlatformRole;
import io.servelink.contracts.security.ServelinkClaims;
import io.servelink.contracts.security.TeamRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.io.ClassPathResource;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * deploy/keycloak/servelink-realm.json, for operators who run Keycloak, declares what this provider's configuration
 * (its application.yml) declares: the same clients with the same grants and redirect URIs, the same roles and users,
 * and protocol mappers that put exactly the claim model's claims into tokens.
 */
class KeycloakRealmTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static JsonNode realm;
    private static IdentityProviderSettings settings;

    @BeforeAll
    static void load() throws IOException {
        realm = JSON.readTree(Files.readString(Path.of("..", "keycloak", "servelink-realm.json")));
        MutablePropertySources sources = new MutablePropertySources();
        new YamlPropertySourceLoader().load("application.yml", new ClassPathResource("application.yml")).forEach(sources::addLast);
        settings = new Binder(ConfigurationPropertySources.from(sources), new PropertySourcesPlaceholdersResolver(sources),
                ApplicationConversionService.getSharedInstance())
                .bind("servelink.idp", IdentityProviderSettings.class).get();
    }

    @Test
    void declaresTheProvidersClientsWithTheSameGrantsAndRedirects() {
        List<RegisteredClient> clients = RegisteredClients.of(settings, secret -> secret);
        assertThat(realm.path("clients").valueStream().map(client -> client.path("clientId").asString()))
                .containsExactlyInAnyOrderElementsOf(clients.stream().map(RegisteredClient::getClientId).toList());
        for (RegisteredClient client : clients) {
            JsonNode declared = client(client.getClientId());
            Set<AuthorizationGrantType> grants = client.getAuthorizationGrantTypes();
            assertThat(declared.path("publicClient").asBoolean()).as(client.getClientId() + " public")
                    .isEqualTo(client.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE));
            assertThat(declared.path("standardFlowEnabled").asBoolean()).as(client.getClientId() + " authorization code")
                    .isEqualTo(grants.contains(AuthorizationGrantType.AUTHORIZATION_CODE));
            assertThat(declared.path("attributes").path("oauth2.device.authorization.grant.enabled").asString())
                    .as(client.getClientId() + " device grant").isEqualTo(String.valueOf(grants.contains(AuthorizationGrantType.DEVICE_CODE)));
            assertThat(declared.path("serviceAccountsEnabled").asBoolean()).as(client.getClientId() + " client credentials")
                    .isEqualTo(grants.contains(AuthorizationGrantType.CLIENT_CREDENTIALS));
            assertThat(declared.path("implicitFlowEnabled").asBoolean()).isFalse();
            assertThat(declared.path("directAccessGrantsEnabled").asBoolean()).as("no password grant").isFalse();
            assertThat(strings(declared.path("redirectUris"))).containsExactlyInAnyOrderElementsOf(client.getRedirectUris());
            assertThat(Arrays.asList(declared.path("attributes").path("post.logout.redirect.uris").asString("").split("##")))
                    .filteredOn(uri -> !uri.isEmpty()).containsExactlyInAnyOrderElementsOf(client.getPostLogoutRedirectUris());
            if (grants.contains(AuthorizationGrantType.AUTHORIZATION_CODE) && client.getClientSettings().isRequireProofKey()) {
                assertThat(declared.path("attributes").path("pkce.code.challenge.method").asString()).isEqualTo("S256");
            }
            assertThat(strings(declared.path("defaultClientScopes"))).as(client.getClientId() + " gets the claims")
                    .contains("servelink-claims");
            assertThat(declared.has("secret")).as("no secret is shipped").isFalse();
            if (grants.contains(AuthorizationGrantType.CLIENT_CREDENTIALS)) {
                assertThat(strings(declared.path("defaultClientScopes"))).as(client.getClientId() + " scopes")
                        .containsAll(client.getScopes());
            }
        }
    }

    @Test
    void itsMappersPutExactlyTheClaimModelsClaimsIntoAccessTokens() {
        JsonNode scope = realm.path("clientScopes").valueStream()
                .filter(candidate -> candidate.path("name").asString().equals("servelink-claims")).findFirst().orElseThrow();
        Map<String, JsonNode> byClaim = scope.path("protocolMappers").valueStream()
                .filter(mapper -> mapper.path("config").path("access.token.claim").asBoolean())
                .collect(Collectors.toMap(KeycloakRealmTest::claimName, mapper -> mapper));
        assertThat(byClaim.keySet()).containsExactlyInAnyOrder(ServelinkClaims.SUBJECT, ServelinkClaims.EMAIL,
                ServelinkClaims.TEAMS, ServelinkClaims.ROLES, ServelinkClaims.AUTH_TIME);
        assertThat(byClaim.get(ServelinkClaims.TEAMS).path("protocolMapper").asString()).isEqualTo("oidc-usermodel-attribute-mapper");
        assertThat(byClaim.get(ServelinkClaims.TEAMS).path("config").path("jsonType.label").asString())
                .as("teams is an object: team slug → role").isEqualTo("JSON");
        assertThat(byClaim.get(ServelinkClaims.ROLES).path("protocolMapper").asString()).isEqualTo("oidc-usermodel-realm-role-mapper");
        assertThat(byClaim.get(ServelinkClaims.ROLES).path("config").path("multivalued").asString()).isEqualTo("true");
        assertThat(byClaim.get(ServelinkClaims.AUTH_TIME).path("config").path("user.session.note").asString()).isEqualTo("AUTH_TIME");
        assertThat(byClaim.get(ServelinkClaims.AUTH_TIME).path("config").path("jsonType.label").asString()).isEqualTo("long");
    }

    @Test
    void theServiceClientsServiceAccountsHaveNoTeamAndNoRole() {
        for (IdentityProviderSettings.Service service : settings.clients().services()) {
            JsonNode account = realm.path("users").valueStream()
                    .filter(user -> user.path("serviceAccountClientId").asString("").equals(service.clientId())).findFirst()
                    .orElseThrow(() -> new AssertionError("no service account for " + service.clientId()));
            assertThat(strings(account.path("realmRoles"))).isEmpty();
            assertThat(account.path("attributes").path("teams").get(0).asString()).isEqualTo("{}");
        }
    }

    @Test
    void declaresEveryPlatformRoleAsARealmRole() {
        assertThat(realm.path("roles").path("realm").valueStream().map(role -> role.path("name").asString()))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(PlatformRole.values()).map(PlatformRole::wire).toList());
    }

    @Test
    void declaresTheProvidersUsersWithTheSameClaimsAndNoPassword() {
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        for (IdentityProviderSettings.User user : settings.users()) {
            JsonNode declared = user(user.username());
            assertThat(declared.has("credentials")).as(user.username() + " has no password in the file").isFalse();
            ServelinkClaims expected = user.claims(now);
            ServelinkClaims issued = ServelinkClaims.fromClaims(Map.of(
                    ServelinkClaims.SUBJECT, user.username(),
                    ServelinkClaims.EMAIL, declared.path("email").asString(),
                    ServelinkClaims.TEAMS, JSON.readValue(declared.path("attributes").path("teams").get(0).asString(), Map.class),
                    ServelinkClaims.ROLES, strings(declared.path("realmRoles")),
                    ServelinkClaims.AUTH_TIME, now.getEpochSecond()));
            assertThat(issued).as(user.username()).isEqualTo(expected);
        }
        Set<String> declaredPeople = realm.path("users").valueStream().filter(user -> !user.has("serviceAccountClientId"))
                .map(user -> user.path("username").asString()).collect(Collectors.toSet());
        assertThat(declaredPeople).isEqualTo(settings.users().stream().map(IdentityProviderSettings.User::username)
                .collect(Collectors.toSet()));
    }

    @Test
    void theOperatorClientsServiceAccountHasTheOperatorClientsRoles() {
        IdentityProviderSettings.Operator operator = settings.clients().operator();
        JsonNode account = realm.path("users").valueStream()
                .filter(user -> user.path("serviceAccountClientId").asString("").equals(operator.clientId())).findFirst().orElseThrow();
        assertThat(new HashSet<>(strings(account.path("realmRoles"))))
                .isEqualTo(operator.platformRoles().stream().map(PlatformRole::wire).collect(Collectors.toSet()));
        assertThat(account.path("attributes").path("teams").get(0).asString()).isEqualTo("{}");
    }

    @Test
    void everyDemoTeamRoleIsOneTheServicesKnow() {
        settings.users().forEach(user -> user.teams().values()
                .forEach(role -> assertThat(TeamRole.fromWire(role)).as(user.username()).isPresent()));
    }

    private static JsonNode client(String clientId) {
        return realm.path("clients").valueStream().filter(client -> client.path("clientId").asString().equals(clientId))
                .findFirst().orElseThrow(() -> new AssertionError("no client " + clientId + " in the realm"));
    }

    private static JsonNode user(String username) {
        return realm.path("users").valueStream().filter(user -> user.path("username").asString().equals(username))
                .findFirst().orElseThrow(() -> new AssertionError("no user " + username + " in the realm"));
    }

    private static String claimName(JsonNode mapper) {
        return mapper.path("protocolMapper").asString().equals("oidc-sub-mapper")
                ? ServelinkClaims.SUBJECT : mapper.path("config").path("claim.name").asString();
    }

    private static List<String> strings(JsonNode array) {
        return array.valueStream().map(JsonNode::asString).toList();
    }
}
