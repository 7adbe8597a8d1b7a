package io.servelink.idp;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;

/**
 * Spring Authorization Server with OpenID Connect: discovery at {@code /.well-known/openid-configuration}, the JWKS at
 * {@code /oauth2/jwks}, authorization code + PKCE for the dashboard, the device authorization grant for the command
 * line, client credentials for the operator's machine client; users sign in with the login form.
 */
@Configuration(proxyBeanMethods = false)
class AuthorizationServerConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AuthorizationServerConfiguration.class);

    @Bean
    @Order(1)
    SecurityFilterChain authorizationServerChain(HttpSecurity http, RegisteredClientRepository clients,
                                                 AuthorizationServerSettings server) throws Exception {
        OAuth2AuthorizationServerConfigurer authorizationServer = new OAuth2AuthorizationServerConfigurer();
        http.securityMatcher(authorizationServer.getEndpointsMatcher())
                .with(authorizationServer, configurer -> configurer
                        .oidc(Customizer.withDefaults())
                        .clientAuthentication(clientAuthentication -> clientAuthentication
                                .authenticationConverter(PublicDeviceClientAuthentication.converter(
                                        server.getDeviceAuthorizationEndpoint()))
                                .authenticationProvider(PublicDeviceClientAuthentication.provider(clients)))
                        .deviceAuthorizationEndpoint(Customizer.withDefaults())
                        .deviceVerificationEndpoint(Customizer.withDefaults()))
                .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                // browsers are sent to the login form; anything else gets a 401
                .exceptionHandling(exceptions -> exceptions.defaultAuthenticationEntryPointFor(
                        new LoginUrlAuthenticationEntryPoint("/login"), new MediaTypeRequestMatcher(MediaType.TEXT_HTML)));
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain loginChain(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/error").permitAll()
                        .anyRequest().authenticated())
                .formLogin(Customizer.withDefaults())
                .build();
    }

    @Bean
    AuthorizationServerSettings authorizationServerSettings(IdentityProviderSettings settings) {
        return AuthorizationServerSettings.builder().issuer(settings.issuer().toString()).build();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    RegisteredClientRepository registeredClients(IdentityProviderSettings settings, PasswordEncoder encoder) {
        return new InMemoryRegisteredClientRepository(RegisteredClients.of(settings, secret -> encodedOnce(secret, encoder)));
    }

    @Bean
    UserDetailsService users(IdentityProviderSettings settings, PasswordEncoder encoder) {
        Instant now = Instant.now();
        List<org.springframework.security.core.userdetails.UserDetails> users = settings.users().stream()
                .peek(user -> user.claims(now)) // an unknown role stops the provider here
                .map(user -> User.withUsername(user.username())
                        .password(encodedOnce(user.password(), encoder))
                        .authorities("ROLE_USER")
                        .build())
                .toList();
        log.info("Users who can sign in: {}", settings.users().stream().map(IdentityProviderSettings.User::username).toList());
        return new InMemoryUserDetailsManager(users);
    }

    @Bean
    JWKSource<SecurityContext> jwkSource(IdentityProviderSettings settings) {
        RSAKey key = SigningKeys.of(settings.signingKey());
        log.info("Signing tokens with RS256 key {} ({})", key.getKeyID(),
                settings.signingKey() == null ? "generated at start, valid until this process stops" : "from configuration");
        return new ImmutableJWKSet<>(new JWKSet(key));
    }

    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> servelinkTokenClaims(IdentityProviderSettings settings) {
        return new ServelinkTokenClaims(settings, Clock.systemUTC());
    }

    /** A secret already carrying its encoder's {@code {id}} prefix is kept; a clear one is encoded. */
    private static String encodedOnce(String secret, PasswordEncoder encoder) {
        return secret.startsWith("{") ? secret : encoder.encode(secret);
    }
}
