package dev.hybridproxy.api;

import dev.hybridproxy.auth.ClientAuthenticator;
import dev.hybridproxy.auth.Credentials;
import dev.hybridproxy.config.AuthSettings;
import dev.hybridproxy.engine.ErrorKind;
import dev.hybridproxy.engine.ProxyException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import java.util.Optional;

/**
 * Authenticates every API request before its body is read (SPEC §10): 401 for missing or wrong
 * credentials, 429 with {@code Retry-After} for an address locked out after repeated failures, 403
 * for a remote client when no authentication is configured.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION)
@ApplicationScoped
public class ClientAuthFilter implements ContainerRequestFilter {
  private ClientAuthenticator authenticator;
  private String tokenHeader;

  @Context private HttpServletRequest http;

  /** For the JAX-RS runtime, which needs a public constructor on providers. */
  public ClientAuthFilter() {}

  @Inject
  public ClientAuthFilter(ClientAuthenticator authenticator, AuthSettings settings) {
    this.authenticator = authenticator;
    this.tokenHeader =
        settings.jwt().map(AuthSettings.Jwt::tokenHeader).orElse(HttpHeaders.AUTHORIZATION);
  }

  @Override
  public void filter(ContainerRequestContext request) {
    Optional<String> bearer =
        Credentials.bearerOf(request.getHeaderString(HttpHeaders.AUTHORIZATION));
    Optional<String> gatewayToken =
        tokenHeader.equalsIgnoreCase(HttpHeaders.AUTHORIZATION)
            ? bearer
            : Optional.ofNullable(request.getHeaderString(tokenHeader))
                .map(v -> Credentials.bearerOf(v).orElse(v.strip()))
                .filter(v -> !v.isEmpty());
    Credentials credentials =
        new Credentials(
            bearer,
            Optional.ofNullable(request.getHeaderString("x-api-key"))
                .map(String::strip)
                .filter(v -> !v.isEmpty()),
            gatewayToken,
            http == null ? "" : http.getRemoteAddr());
    ClientAuthenticator.Decision decision = authenticator.authenticate(credentials);
    if (decision instanceof ClientAuthenticator.Decision.Accepted accepted) {
      if (request.getProperty(RequestRecord.PROPERTY) instanceof RequestRecord record) {
        record.subject(accepted.subject());
      }
      return;
    }
    throw refusal(decision);
  }

  private static ProxyException refusal(ClientAuthenticator.Decision decision) {
    if (decision instanceof ClientAuthenticator.Decision.LockedOut locked) {
      return ProxyException.of(
              ErrorKind.RATE_LIMITED,
              "Too many failed authentication attempts from your address; try again later.")
          .withCode("too_many_auth_failures")
          .withRetryAfter(Long.toString(Math.max(1, locked.retryAfter().toSeconds())));
    }
    if (decision instanceof ClientAuthenticator.Decision.LocalOnly) {
      return ProxyException.of(
          ErrorKind.PERMISSION,
          "This proxy has no client authentication configured (auth_mode=none) and serves local"
              + " clients only.");
    }
    String reason =
        decision instanceof ClientAuthenticator.Decision.Refused refused
            ? refused.reason()
            : "Authentication failed";
    return ProxyException.of(ErrorKind.AUTHENTICATION, reason);
  }
}
