package dev.hybridproxy.config;

import dev.hybridproxy.auth.AuthMode;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Client authentication settings (SPEC §10). Keys never appear in {@link #toString()}.
 *
 * @param modes {@code auth_mode}: {@code none}, or {@code api-key} and/or {@code jwt}
 * @param apiKeys {@code proxy_api_keys}
 * @param jwt the JWT settings, present in {@code jwt} mode
 * @param lockoutFailures failures within {@code lockoutWindow} that lock an address out (0: never)
 * @param lockoutWindow {@code auth_lockout_window}
 * @param lockoutDuration {@code auth_lockout_duration}
 */
public record AuthSettings(
    Set<AuthMode> modes,
    List<String> apiKeys,
    Optional<Jwt> jwt,
    int lockoutFailures,
    Duration lockoutWindow,
    Duration lockoutDuration) {

  public AuthSettings {
    modes = Set.copyOf(modes);
    apiKeys = List.copyOf(apiKeys);
  }

  /** The modes as configured, e.g. {@code api-key,jwt}. */
  public String label() {
    return modes.stream().map(AuthMode::label).sorted().collect(Collectors.joining(","));
  }

  /**
   * How the SSO gateway's tokens are verified, named as MicroProfile JWT names them.
   *
   * @param issuer {@code mp.jwt.verify.issuer}
   * @param publicKey {@code mp.jwt.verify.publickey}: PEM, JWK or JWK Set text
   * @param publicKeyLocation {@code mp.jwt.verify.publickey.location}: a file or an http(s) JWKS
   *     URL
   * @param audiences {@code mp.jwt.verify.audiences}
   * @param clockSkew {@code mp.jwt.verify.clock.skew}
   * @param tokenHeader {@code mp.jwt.token.header}: {@code Authorization} (bearer) or a gateway
   *     header carrying the bare token
   */
  public record Jwt(
      String issuer,
      Optional<String> publicKey,
      Optional<URI> publicKeyLocation,
      List<String> audiences,
      Duration clockSkew,
      String tokenHeader) {
    public Jwt {
      audiences = List.copyOf(audiences);
    }
  }

  @Override
  public String toString() {
    return "AuthSettings[mode=" + label() + ", apiKeys=" + apiKeys.size() + ", jwt=" + jwt + "]";
  }
}
