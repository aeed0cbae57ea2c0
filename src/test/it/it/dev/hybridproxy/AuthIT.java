package it.dev.hybridproxy;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Client authentication on the real server, which runs with {@code auth_mode=api-key,jwt}: API
 * keys in both header forms, and the test SSO gateway's JWTs (src/test/resources/auth).
 */
@ExtendWith(ArquillianExtension.class)
class AuthIT {
  private static final String ISSUER = "https://sso.it.example/realms/ai";
  private static final String MODELS = "v1/models";

  @ArquillianResource private URL base;

  @Deployment(testable = false)
  static WebArchive deployment() {
    return ProxyDeployment.war();
  }

  private static JsonObject error(HttpResponse<String> response) {
    try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
      return reader.readObject().getJsonObject("error");
    }
  }

  @Test
  void refusesARequestWithoutCredentials() throws Exception {
    HttpResponse<String> response = ProxyClient.presenting(base).get(MODELS);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(error(response).getString("type")).isEqualTo("authentication_error");
    assertThat(response.headers().firstValue("x-request-id")).isPresent();
  }

  @Test
  void refusesAWrongKeyWithoutEchoingIt() throws Exception {
    HttpResponse<String> response =
        ProxyClient.presenting(base, "Authorization", "Bearer sk-it-client-wrong-99999").get(MODELS);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(error(response).getString("message")).isEqualTo("Incorrect API key provided.");
    assertThat(response.body()).doesNotContain("sk-it-client-wrong");
  }

  @Test
  void refusesAChatRequestBeforeReadingItsBody() throws Exception {
    HttpResponse<String> response =
        ProxyClient.presenting(base).post("v1/chat/completions", "{not even json");

    assertThat(response.statusCode()).isEqualTo(401);
  }

  @Test
  void acceptsAKeyAsBearerToken() throws Exception {
    assertThat(
            ProxyClient.presenting(base, "Authorization", "Bearer sk-it-client-0000000000000002")
                .get(MODELS)
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void acceptsAKeyAsXApiKeyHeader() throws Exception {
    assertThat(ProxyClient.presenting(base, "x-api-key", ProxyClient.CLIENT_KEY).get(MODELS).statusCode())
        .isEqualTo(200);
  }

  @Test
  void acceptsAValidGatewayToken() throws Exception {
    String token = sign(gatewayKey(), claims(ISSUER, Instant.now().getEpochSecond() + 300));

    HttpResponse<String> response =
        ProxyClient.presenting(base, "Authorization", "Bearer " + token).get(MODELS);

    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void refusesAnExpiredGatewayToken() throws Exception {
    String token = sign(gatewayKey(), claims(ISSUER, Instant.now().getEpochSecond() - 3600));

    HttpResponse<String> response =
        ProxyClient.presenting(base, "Authorization", "Bearer " + token).get(MODELS);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(error(response).getString("message")).isEqualTo("The token has expired");
  }

  @Test
  void refusesATokenFromAnotherIssuer() throws Exception {
    String token =
        sign(gatewayKey(), claims("https://evil.example/realms/ai", Instant.now().getEpochSecond() + 300));

    HttpResponse<String> response =
        ProxyClient.presenting(base, "Authorization", "Bearer " + token).get(MODELS);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(error(response).getString("message")).contains("unexpected issuer");
  }

  @Test
  void refusesATokenForgedWithAKeyGeneratedHere() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    PrivateKey forger = generator.generateKeyPair().getPrivate();
    String token = sign(forger, claims(ISSUER, Instant.now().getEpochSecond() + 300));

    HttpResponse<String> response =
        ProxyClient.presenting(base, "Authorization", "Bearer " + token).get(MODELS);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(error(response).getString("message")).isEqualTo("The token's signature is invalid");
  }

  private static String claims(String issuer, long expiry) {
    return "{\"iss\":\""
        + issuer
        + "\",\"sub\":\"it-user@example\",\"aud\":[\"hybrid-llm-proxy\"],\"exp\":"
        + expiry
        + "}";
  }

  private static PrivateKey gatewayKey() throws Exception {
    String pem =
        Files.readString(Path.of("src/test/resources/auth/test-gateway-private-key.pem"))
            .replaceAll("-----[A-Z ]+-----", "")
            .replaceAll("\\s", "");
    return KeyFactory.getInstance("RSA")
        .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
  }

  private static String sign(PrivateKey key, String claims) throws Exception {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String input =
        b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
            + "."
            + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
    Signature signature = Signature.getInstance("SHA256withRSA");
    signature.initSign(key);
    signature.update(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + b64.encodeToString(signature.sign());
  }
}
