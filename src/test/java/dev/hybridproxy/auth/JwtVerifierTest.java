package dev.hybridproxy.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class JwtVerifierTest {
  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final String ISSUER = "https://sso.example.corp/realms/ai";

  private static JwtVerifier verifier(JwtKeys keys) {
    return new JwtVerifier(
        () -> keys, ISSUER, List.of("hybrid-llm-proxy"), Duration.ofSeconds(60), CLOCK);
  }

  private static String claims(String iss, String aud, long exp) {
    return "{\"iss\":\""
        + iss
        + "\",\"sub\":\"alice@example.corp\",\"aud\":\""
        + aud
        + "\",\"exp\":"
        + exp
        + ",\"iat\":"
        + (NOW.getEpochSecond() - 10)
        + "}";
  }

  private static String valid() {
    return claims(ISSUER, "hybrid-llm-proxy", NOW.getEpochSecond() + 300);
  }

  private final JwtVerifier rsa = verifier(JwtKeys.parse(TestTokens.pem(TestTokens.RSA)));

  @Test
  void acceptsAnRs256TokenFromTheGatewayAndNamesItsSubject() {
    AuthResult result =
        rsa.verify(TestTokens.sign("RS256", TestTokens.RSA.getPrivate(), null, valid()));

    assertThat(result.subject()).contains("alice@example.corp");
  }

  @Test
  void acceptsAnEs256TokenVerifiedAgainstAJwkSet() {
    ECPublicKey key = (ECPublicKey) TestTokens.EC.getPublic();
    String jwks =
        "{\"keys\":[{\"kty\":\"EC\",\"kid\":\"ec-1\",\"use\":\"sig\",\"crv\":\"P-256\",\"x\":\""
            + b64(key.getW().getAffineX(), 32)
            + "\",\"y\":\""
            + b64(key.getW().getAffineY(), 32)
            + "\"}]}";

    AuthResult result =
        verifier(JwtKeys.parse(jwks))
            .verify(TestTokens.sign("ES256", TestTokens.EC.getPrivate(), "ec-1", valid()));

    assertThat(result.isAccepted()).isTrue();
  }

  @Test
  void picksTheKeyOfAJwkSetByKeyId() {
    RSAPublicKey first = (RSAPublicKey) TestTokens.OTHER_RSA.getPublic();
    RSAPublicKey second = (RSAPublicKey) TestTokens.RSA.getPublic();
    String jwks = "{\"keys\":[" + rsaJwk("old", first) + "," + rsaJwk("current", second) + "]}";

    JwtVerifier verifier = verifier(JwtKeys.parse(jwks));

    assertThat(
            verifier
                .verify(TestTokens.sign("RS256", TestTokens.RSA.getPrivate(), "current", valid()))
                .isAccepted())
        .isTrue();
    assertThat(
            verifier
                .verify(TestTokens.sign("RS256", TestTokens.RSA.getPrivate(), "old", valid()))
                .failure()
                .orElseThrow())
        .contains("The token's signature is invalid");
  }

  @Test
  void refusesAnExpiredToken() {
    String expired = claims(ISSUER, "hybrid-llm-proxy", NOW.getEpochSecond() - 120);

    assertThat(
            rsa.verify(TestTokens.sign("RS256", TestTokens.RSA.getPrivate(), null, expired))
                .failure()
                .orElseThrow())
        .contains("The token has expired");
  }

  @Test
  void toleratesExpiryWithinTheClockSkew() {
    String justExpired = claims(ISSUER, "hybrid-llm-proxy", NOW.getEpochSecond() - 30);

    assertThat(
            rsa.verify(TestTokens.sign("RS256", TestTokens.RSA.getPrivate(), null, justExpired))
                .isAccepted())
        .isTrue();
  }

  @Test
  void refusesATokenSignedWithAnotherKey() {
    assertThat(
            rsa.verify(TestTokens.sign("RS256", TestTokens.OTHER_RSA.getPrivate(), null, valid()))
                .failure()
                .orElseThrow())
        .contains("The token's signature is invalid");
  }

  @Test
  void refusesATokenFromAnotherIssuer() {
    String foreign =
        claims("https://evil.example.com", "hybrid-llm-proxy", NOW.getEpochSecond() + 300);

    assertThat(
            rsa.verify(TestTokens.sign("RS256", TestTokens.RSA.getPrivate(), null, foreign))
                .failure()
                .orElseThrow())
        .contains("unexpected issuer");
  }

  @Test
  void refusesATokenForAnotherAudience() {
    String other = claims(ISSUER, "payroll", NOW.getEpochSecond() + 300);

    assertThat(
            rsa.verify(TestTokens.sign("RS256", TestTokens.RSA.getPrivate(), null, other))
                .failure()
                .orElseThrow())
        .contains("audience");
  }

  @Test
  void refusesAnUnsignedToken() {
    String unsigned = TestTokens.b64("{\"alg\":\"none\"}") + "." + TestTokens.b64(valid()) + ".";

    assertThat(rsa.verify(unsigned).failure().orElseThrow()).contains("'none' is not accepted");
  }

  @Test
  void refusesATokenWhosePayloadWasAlteredAfterSigning() {
    String token = TestTokens.sign("RS256", TestTokens.RSA.getPrivate(), null, valid());
    String[] parts = token.split("\\.");
    String altered =
        parts[0] + "." + TestTokens.b64(valid().replace("alice", "admin")) + "." + parts[2];

    assertThat(rsa.verify(altered).failure().orElseThrow()).contains("signature is invalid");
  }

  @Test
  void refusesSomethingThatIsNotAJwt() {
    assertThat(rsa.verify("sk-not-a-jwt").failure().orElseThrow()).contains("not a signed JWT");
    assertThat(rsa.verify("a.b.c").failure().orElseThrow()).contains("not a well-formed JWT");
  }

  @Test
  void neverRepeatsTheTokenInItsReason() {
    String token = TestTokens.sign("RS256", TestTokens.OTHER_RSA.getPrivate(), null, valid());

    assertThat(rsa.verify(token).failure().orElseThrow()).doesNotContain(token.substring(0, 20));
  }

  private static String rsaJwk(String kid, RSAPublicKey key) {
    return "{\"kty\":\"RSA\",\"kid\":\""
        + kid
        + "\",\"use\":\"sig\",\"n\":\""
        + Base64.getUrlEncoder().withoutPadding().encodeToString(unsigned(key.getModulus()))
        + "\",\"e\":\""
        + Base64.getUrlEncoder().withoutPadding().encodeToString(unsigned(key.getPublicExponent()))
        + "\"}";
  }

  private static byte[] unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    return bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
  }

  private static String b64(BigInteger value, int length) {
    byte[] raw = unsigned(value);
    byte[] padded = new byte[length];
    System.arraycopy(raw, 0, padded, length - raw.length, raw.length);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(padded);
  }
}
