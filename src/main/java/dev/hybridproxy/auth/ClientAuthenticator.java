package dev.hybridproxy.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** Decides, for one request, whether the client may use the proxy (SPEC §10). */
public final class ClientAuthenticator {

  /** What to do with a request. */
  public sealed interface Decision {
    /** Serve it; {@code subject} names the client in logs. */
    record Accepted(String subject) implements Decision {}

    /** 401 with this reason. */
    record Refused(String reason) implements Decision {}

    /** 429: the address failed too often and must wait. */
    record LockedOut(Duration retryAfter) implements Decision {}

    /** 403: without client authentication only local clients are served. */
    record LocalOnly() implements Decision {}
  }

  private final Set<AuthMode> modes;
  private final ApiKeys apiKeys;
  private final Optional<JwtVerifier> jwt;
  private final FailureLockout lockout;

  /**
   * @param modes {@code none} alone, or any of {@code api-key} and {@code jwt}; with both, a bearer
   *     token that looks like a JWT is verified as one and anything else is taken as a key
   */
  public ClientAuthenticator(
      Set<AuthMode> modes, ApiKeys apiKeys, Optional<JwtVerifier> jwt, FailureLockout lockout) {
    this.modes = Set.copyOf(modes);
    this.apiKeys = apiKeys;
    this.jwt = jwt;
    this.lockout = lockout;
  }

  public Decision authenticate(Credentials credentials) {
    if (modes.contains(AuthMode.NONE)) {
      return isLoopback(credentials.peer())
          ? new Decision.Accepted("local")
          : new Decision.LocalOnly();
    }
    Optional<Duration> locked = lockout.lockedFor(credentials.peer());
    if (locked.isPresent()) {
      return new Decision.LockedOut(locked.get());
    }
    AuthResult result = usesJwt(credentials) ? byJwt(credentials) : byApiKey(credentials);
    if (result.isAccepted()) {
      lockout.recordSuccess(credentials.peer());
      return new Decision.Accepted(result.subject().orElseThrow());
    }
    Optional<Duration> started = lockout.recordFailure(credentials.peer());
    if (started.isPresent()) {
      return new Decision.LockedOut(started.get());
    }
    return new Decision.Refused(result.failure().orElse("Authentication failed"));
  }

  private boolean usesJwt(Credentials credentials) {
    if (!modes.contains(AuthMode.JWT)) {
      return false;
    }
    if (!modes.contains(AuthMode.API_KEY)) {
      return true;
    }
    return credentials.apiKey().isEmpty()
        && credentials.gatewayToken().filter(ClientAuthenticator::looksLikeJwt).isPresent();
  }

  private static boolean looksLikeJwt(String token) {
    return token.startsWith("eyJ") && token.chars().filter(c -> c == '.').count() == 2;
  }

  private AuthResult byApiKey(Credentials credentials) {
    Optional<String> presented = credentials.apiKey().or(credentials::bearer);
    if (presented.isEmpty()) {
      return AuthResult.refused(
          "You didn't provide an API key. Send it as 'Authorization: Bearer <key>' or 'x-api-key'.");
    }
    int match = apiKeys.match(presented.get());
    return match > 0
        ? AuthResult.accepted("api-key#" + match)
        : AuthResult.refused("Incorrect API key provided.");
  }

  private AuthResult byJwt(Credentials credentials) {
    Optional<String> token = credentials.gatewayToken();
    if (token.isEmpty()) {
      return AuthResult.refused("A JWT from the single sign-on gateway is required.");
    }
    return jwt.orElseThrow().verify(token.get());
  }

  static boolean isLoopback(String address) {
    if (address == null || address.isBlank()) {
      return false;
    }
    try {
      return InetAddress.getByName(address).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
