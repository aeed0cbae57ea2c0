package dev.hybridproxy.auth;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The public keys that sign the gateway's tokens, by key id: read from a PEM public key, a JWK or a
 * JWK Set (as MicroProfile JWT's {@code mp.jwt.verify.publickey} allows).
 */
public final class JwtKeys {
  /** The id under which a key without {@code kid} (a PEM key) is kept. */
  static final String ANY = "";

  private final Map<String, PublicKey> byId;

  private JwtKeys(Map<String, PublicKey> byId) {
    this.byId = Map.copyOf(byId);
  }

  /** Parses PEM, a single JWK or a JWK Set. */
  public static JwtKeys parse(String text) {
    String trimmed = text.strip();
    try {
      if (trimmed.startsWith("-----BEGIN")) {
        return new JwtKeys(Map.of(ANY, fromPem(trimmed)));
      }
      JsonObject json = Json.createReader(new StringReader(trimmed)).readObject();
      Map<String, PublicKey> keys = new LinkedHashMap<>();
      JsonArray set = json.getJsonArray("keys");
      if (set == null) {
        keys.put(json.getString("kid", ANY), fromJwk(json));
      } else {
        for (JsonValue entry : set) {
          JsonObject jwk = entry.asJsonObject();
          String use = jwk.getString("use", "sig");
          if (use.equals("sig")) {
            keys.put(jwk.getString("kid", ANY), fromJwk(jwk));
          }
        }
      }
      if (keys.isEmpty()) {
        throw new IllegalArgumentException("no signing key found");
      }
      return new JwtKeys(keys);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(
          "not a usable PEM public key, JWK or JWK Set: " + e.getMessage(), e);
    }
  }

  /** The key for a token's {@code kid}; a lone key answers for any id. */
  public Optional<PublicKey> key(String kid) {
    PublicKey key = byId.get(kid == null ? ANY : kid);
    if (key == null && byId.size() == 1) {
      key = byId.values().iterator().next();
    }
    return Optional.ofNullable(key);
  }

  private static PublicKey fromPem(String pem) throws GeneralSecurityException {
    String base64 =
        pem.replaceAll("-----BEGIN [A-Z ]+-----", "")
            .replaceAll("-----END [A-Z ]+-----", "")
            .replaceAll("\\s", "");
    byte[] der = Base64.getDecoder().decode(base64);
    try {
      return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException notRsa) {
      return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
    }
  }

  private static PublicKey fromJwk(JsonObject jwk) throws GeneralSecurityException {
    String type = jwk.getString("kty");
    if (type.equals("RSA")) {
      return KeyFactory.getInstance("RSA")
          .generatePublic(new RSAPublicKeySpec(unsigned(jwk, "n"), unsigned(jwk, "e")));
    }
    if (type.equals("EC")) {
      String curve =
          switch (jwk.getString("crv")) {
            case "P-256" -> "secp256r1";
            case "P-384" -> "secp384r1";
            case "P-521" -> "secp521r1";
            default ->
                throw new IllegalArgumentException("unsupported curve " + jwk.getString("crv"));
          };
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec(curve));
      ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
      ECPoint point = new ECPoint(unsigned(jwk, "x"), unsigned(jwk, "y"));
      return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, spec));
    }
    throw new IllegalArgumentException("unsupported key type " + type);
  }

  private static BigInteger unsigned(JsonObject jwk, String field) {
    return new BigInteger(1, Base64.getUrlDecoder().decode(jwk.getString(field)));
  }
}
