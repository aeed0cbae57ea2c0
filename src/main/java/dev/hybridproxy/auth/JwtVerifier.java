package dev.hybridproxy.auth;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Verifies the SSO gateway's JWTs the way MicroProfile JWT specifies: an asymmetric signature
 * (RS256/384/512, ES256/384/512) by one of the gateway's keys, the configured issuer, one of the
 * configured audiences, and {@code exp}/{@code nbf} within a clock skew. Anything else is refused
 * with a reason that never repeats the token.
 */
public final class JwtVerifier {
  private static final Map<String, String> ALGORITHMS =
      Map.of(
          "RS256", "SHA256withRSA",
          "RS384", "SHA384withRSA",
          "RS512", "SHA512withRSA",
          "ES256", "SHA256withECDSAinP1363Format",
          "ES384", "SHA384withECDSAinP1363Format",
          "ES512", "SHA512withECDSAinP1363Format");

  private final Supplier<JwtKeys> keys;
  private final String issuer;
  private final List<String> audiences;
  private final Duration clockSkew;
  private final Clock clock;

  public JwtVerifier(
      Supplier<JwtKeys> keys,
      String issuer,
      List<String> audiences,
      Duration clockSkew,
      Clock clock) {
    this.keys = keys;
    this.issuer = issuer;
    this.audiences = List.copyOf(audiences);
    this.clockSkew = clockSkew;
    this.clock = clock;
  }

  public AuthResult verify(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return AuthResult.refused("The bearer token is not a signed JWT");
    }
    JsonObject header;
    JsonObject claims;
    byte[] signature;
    try {
      header = json(parts[0]);
      claims = json(parts[1]);
      signature = Base64.getUrlDecoder().decode(parts[2]);
    } catch (RuntimeException e) {
      return AuthResult.refused("The bearer token is not a well-formed JWT");
    }
    String algorithm = header.getString("alg", "");
    String javaAlgorithm = ALGORITHMS.get(algorithm);
    if (javaAlgorithm == null) {
      return AuthResult.refused(
          "The token's signature algorithm '" + algorithm + "' is not accepted");
    }
    Optional<PublicKey> key = keys.get().key(header.getString("kid", null));
    if (key.isEmpty()) {
      return AuthResult.refused("The token was signed with an unknown key");
    }
    if (!signatureValid(javaAlgorithm, key.get(), parts, signature)) {
      return AuthResult.refused("The token's signature is invalid");
    }
    long now = clock.instant().getEpochSecond();
    long skew = clockSkew.toSeconds();
    if (!(claims.get("exp") instanceof JsonNumber exp)) {
      return AuthResult.refused("The token has no expiry");
    }
    if (exp.longValue() + skew < now) {
      return AuthResult.refused("The token has expired");
    }
    if (claims.get("nbf") instanceof JsonNumber nbf && nbf.longValue() - skew > now) {
      return AuthResult.refused("The token is not valid yet");
    }
    if (!issuer.equals(claims.getString("iss", null))) {
      return AuthResult.refused("The token was issued by an unexpected issuer");
    }
    if (!audiences.isEmpty() && !hasAudience(claims.get("aud"))) {
      return AuthResult.refused("The token is not meant for this service (audience)");
    }
    return AuthResult.accepted(subject(claims));
  }

  private static boolean signatureValid(
      String algorithm, PublicKey key, String[] parts, byte[] signature) {
    try {
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(key);
      verifier.update(
          (parts[0] + "." + parts[1]).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private boolean hasAudience(JsonValue aud) {
    if (aud instanceof JsonString single) {
      return audiences.contains(single.getString());
    }
    if (aud instanceof JsonArray many) {
      return many.stream()
          .anyMatch(v -> v instanceof JsonString s && audiences.contains(s.getString()));
    }
    return false;
  }

  private static String subject(JsonObject claims) {
    for (String claim : List.of("sub", "upn", "preferred_username")) {
      if (claims.get(claim) instanceof JsonString value && !value.getString().isBlank()) {
        return value.getString();
      }
    }
    return "jwt";
  }

  private static JsonObject json(String base64Url) {
    byte[] bytes = Base64.getUrlDecoder().decode(base64Url);
    try (JsonReader reader = Json.createReader(new ByteArrayInputStream(bytes))) {
      return reader.readObject();
    }
  }
}
