package io.servelink.idp;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.util.StringUtils;

/**
 * Lets a public client (no secret, as a command line is) use the device authorization grant: Spring Authorization
 * Server authenticates public clients only on PKCE token requests. This accepts a bare {@code client_id} on the
 * device authorization request and on the device code token request, for clients registered with
 * {@code client_authentication_method = none} and the device code grant only.
 */
final class PublicDeviceClientAuthentication {

    private PublicDeviceClientAuthentication() {
    }

    static AuthenticationConverter converter(String deviceAuthorizationEndpoint) {
        RequestMatcher deviceAuthorization = request -> "POST".equals(request.getMethod())
                && deviceAuthorizationEndpoint.equals(request.getRequestURI());
        RequestMatcher deviceCodeToken = request -> "POST".equals(request.getMethod())
                && AuthorizationGrantType.DEVICE_CODE.getValue().equals(request.getParameter(OAuth2ParameterNames.GRANT_TYPE))
                && request.getParameter(OAuth2ParameterNames.DEVICE_CODE) != null;
        return request -> convert(request, deviceAuthorization, deviceCodeToken);
    }

    private static Authentication convert(HttpServletRequest request, RequestMatcher deviceAuthorization,
                                          RequestMatcher deviceCodeToken) {
        if (!deviceAuthorization.matches(request) && !deviceCodeToken.matches(request)) {
            return null;
        }
        String[] clientIds = request.getParameterValues(OAuth2ParameterNames.CLIENT_ID);
        if (clientIds == null || request.getParameter(OAuth2ParameterNames.CLIENT_SECRET) != null
                || request.getHeader("Authorization") != null) {
            return null; // a confidential client authenticates as usual
        }
        if (clientIds.length != 1 || !StringUtils.hasText(clientIds[0])) {
            throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_REQUEST);
        }
        return new OAuth2ClientAuthenticationToken(clientIds[0], ClientAuthenticationMethod.NONE, null, null);
    }

    static AuthenticationProvider provider(RegisteredClientRepository clients) {
        return new AuthenticationProvider() {
            @Override
            public Authentication authenticate(Authentication authentication) {
                OAuth2ClientAuthenticationToken request = (OAuth2ClientAuthenticationToken) authentication;
                if (!ClientAuthenticationMethod.NONE.equals(request.getClientAuthenticationMethod())) {
                    return null;
                }
                RegisteredClient client = clients.findByClientId(String.valueOf(request.getPrincipal()));
                if (client == null
                        || !client.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE)
                        || !client.getAuthorizationGrantTypes().contains(AuthorizationGrantType.DEVICE_CODE)) {
                    throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
                }
                return new OAuth2ClientAuthenticationToken(client, ClientAuthenticationMethod.NONE, null);
            }

            @Override
            public boolean supports(Class<?> authentication) {
                return OAuth2ClientAuthenticationToken.class.isAssignableFrom(authentication);
            }
        };
    }
}
