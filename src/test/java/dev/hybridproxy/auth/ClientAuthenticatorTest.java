package dev.hybridproxy.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClientAuthenticatorTest {
  private static final String PEER = "10.1.2.3";

  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    private Instant now = Instant.parse("2026-12-03T12:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private final ManualClock clock = new ManualClock();

  private ClientAuthenticator apiKeys(int maxFailures) {
    return new ClientAuthenticator(
        java.util.Set.of(AuthMode.API_KEY),
        new ApiKeys(List.of("sk-proxy-alpha-111", "sk-proxy-beta-222")),
        Optional.empty(),
        new FailureLockout(maxFailures, Duration.ofMinutes(1), Duration.ofMinutes(5), clock, 100));
  }

  private static Credentials bearer(String token) {
    return new Credentials(Optional.of(token), Optional.empty(), Optional.of(token), PEER);
  }

  private static Credentials xApiKey(String key) {
    return new Credentials(Optional.empty(), Optional.of(key), Optional.empty(), PEER);
  }

  private static Credentials nothing(String peer) {
    return new Credentials(Optional.empty(), Optional.empty(), Optional.empty(), peer);
  }

  @Test
  void acceptsAConfiguredKeyAsBearerToken() {
    assertThat(apiKeys(5).authenticate(bearer("sk-proxy-beta-222")))
        .isEqualTo(new ClientAuthenticator.Decision.Accepted("api-key#2"));
  }

  @Test
  void acceptsAConfiguredKeyAsXApiKeyHeader() {
    assertThat(apiKeys(5).authenticate(xApiKey("sk-proxy-alpha-111")))
        .isEqualTo(new ClientAuthenticator.Decision.Accepted("api-key#1"));
  }

  @Test
  void refusesAMissingKey() {
    assertThat(apiKeys(5).authenticate(nothing(PEER)))
        .isInstanceOfSatisfying(
            ClientAuthenticator.Decision.Refused.class,
            r -> assertThat(r.reason()).contains("didn't provide an API key"));
  }

  @Test
  void refusesAWrongKey() {
    assertThat(apiKeys(5).authenticate(bearer("sk-proxy-alpha-112")))
        .isEqualTo(new ClientAuthenticator.Decision.Refused("Incorrect API key provided."));
  }

  @Test
  void locksAnAddressOutAfterRepeatedFailuresAndLetsItBackInLater() {
    ClientAuthenticator authenticator = apiKeys(3);
    authenticator.authenticate(bearer("wrong-1"));
    authenticator.authenticate(bearer("wrong-2"));

    assertThat(authenticator.authenticate(bearer("wrong-3")))
        .isEqualTo(new ClientAuthenticator.Decision.LockedOut(Duration.ofMinutes(5)));
    clock.advance(Duration.ofMinutes(2));
    assertThat(authenticator.authenticate(bearer("sk-proxy-alpha-111")))
        .isEqualTo(new ClientAuthenticator.Decision.LockedOut(Duration.ofMinutes(3)));
    clock.advance(Duration.ofMinutes(3));
    assertThat(authenticator.authenticate(bearer("sk-proxy-alpha-111")))
        .isEqualTo(new ClientAuthenticator.Decision.Accepted("api-key#1"));
  }

  @Test
  void forgetsFailuresOutsideTheWindow() {
    ClientAuthenticator authenticator = apiKeys(3);
    authenticator.authenticate(bearer("wrong-1"));
    authenticator.authenticate(bearer("wrong-2"));
    clock.advance(Duration.ofMinutes(2));

    assertThat(authenticator.authenticate(bearer("wrong-3")))
        .isInstanceOf(ClientAuthenticator.Decision.Refused.class);
  }

  @Test
  void locksOutOnlyTheFailingAddress() {
    ClientAuthenticator authenticator = apiKeys(1);
    authenticator.authenticate(bearer("wrong"));

    assertThat(
            authenticator.authenticate(
                new Credentials(
                    Optional.of("sk-proxy-alpha-111"),
                    Optional.empty(),
                    Optional.empty(),
                    "10.9.9.9")))
        .isInstanceOf(ClientAuthenticator.Decision.Accepted.class);
  }

  @Test
  void servesOnlyLocalClientsWithoutAuthentication() {
    ClientAuthenticator none =
        new ClientAuthenticator(
            java.util.Set.of(AuthMode.NONE),
            new ApiKeys(List.of()),
            Optional.empty(),
            new FailureLockout(5, Duration.ofMinutes(1), Duration.ofMinutes(5), clock, 100));

    assertThat(none.authenticate(nothing("127.0.0.1")))
        .isInstanceOf(ClientAuthenticator.Decision.Accepted.class);
    assertThat(none.authenticate(nothing("::1")))
        .isInstanceOf(ClientAuthenticator.Decision.Accepted.class);
    assertThat(none.authenticate(nothing(PEER)))
        .isInstanceOf(ClientAuthenticator.Decision.LocalOnly.class);
  }

  @Test
  void verifiesTheGatewayTokenInJwtMode() {
    Instant now = clock.instant();
    JwtVerifier verifier =
        new JwtVerifier(
            () -> JwtKeys.parse(TestTokens.pem(TestTokens.RSA)),
            "https://sso.example.corp",
            List.of(),
            Duration.ofSeconds(30),
            clock);
    ClientAuthenticator jwt =
        new ClientAuthenticator(
            java.util.Set.of(AuthMode.JWT),
            new ApiKeys(List.of()),
            Optional.of(verifier),
            new FailureLockout(5, Duration.ofMinutes(1), Duration.ofMinutes(5), clock, 100));
    String token =
        TestTokens.sign(
            "RS256",
            TestTokens.RSA.getPrivate(),
            null,
            "{\"iss\":\"https://sso.example.corp\",\"sub\":\"bob\",\"exp\":"
                + (now.getEpochSecond() + 60)
                + "}");

    assertThat(jwt.authenticate(bearer(token)))
        .isEqualTo(new ClientAuthenticator.Decision.Accepted("bob"));
    assertThat(jwt.authenticate(nothing(PEER)))
        .isInstanceOfSatisfying(
            ClientAuthenticator.Decision.Refused.class,
            r ->
                assertThat(r.reason()).contains("JWT from the single sign-on gateway is required"));
    assertThat(jwt.authenticate(bearer("sk-proxy-alpha-111")))
        .isInstanceOf(ClientAuthenticator.Decision.Refused.class);
  }

  @Test
  void acceptsEitherAKeyOrAGatewayTokenWhenBothModesAreOn() {
    JwtVerifier verifier =
        new JwtVerifier(
            () -> JwtKeys.parse(TestTokens.pem(TestTokens.RSA)),
            "https://sso.example.corp",
            List.of(),
            Duration.ofSeconds(30),
            clock);
    ClientAuthenticator both =
        new ClientAuthenticator(
            java.util.Set.of(AuthMode.API_KEY, AuthMode.JWT),
            new ApiKeys(List.of("sk-proxy-alpha-111")),
            Optional.of(verifier),
            new FailureLockout(5, Duration.ofMinutes(1), Duration.ofMinutes(5), clock, 100));
    String token =
        TestTokens.sign(
            "RS256",
            TestTokens.RSA.getPrivate(),
            null,
            "{\"iss\":\"https://sso.example.corp\",\"sub\":\"carol\",\"exp\":"
                + (clock.instant().getEpochSecond() + 60)
                + "}");

    assertThat(both.authenticate(bearer(token)))
        .isEqualTo(new ClientAuthenticator.Decision.Accepted("carol"));
    assertThat(both.authenticate(bearer("sk-proxy-alpha-111")))
        .isEqualTo(new ClientAuthenticator.Decision.Accepted("api-key#1"));
  }

  @Test
  void neverLetsTheLockoutTableGrowWithoutBound() {
    FailureLockout lockout =
        new FailureLockout(5, Duration.ofMinutes(1), Duration.ofMinutes(5), clock, 3);
    for (int i = 0; i < 50; i++) {
      lockout.recordFailure("10.0.0." + i);
    }
    // the newest addresses are still tracked; the table holds at most 3
    for (int i = 0; i < 4; i++) {
      lockout.recordFailure("10.0.0.49");
    }
    assertThat(lockout.lockedFor("10.0.0.49")).isPresent();
  }
}
