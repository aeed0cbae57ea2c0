package dev.hybridproxy.auth;

import java.util.Optional;

/**
 * What a request presented: its bearer token, its {@code x-api-key}, the header a gateway puts the
 * JWT in, and the peer address. Never logged.
 */
public record Credentials(
    Optional<String> bearer, Optional<String> apiKey, Optional<String> gatewayToken, String peer) {

  /** Parses an {@code Authorization} header value into its bearer token, if it is one. */
  public static Optional<String> bearerOf(String authorization) {
    if (authorization == null) {
      return Optional.empty();
    }
    String value = authorization.strip();
    if (value.length() > 7 && value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = value.substring(7).strip();
      return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return "Credentials[peer=" + peer + "]";
  }
}
