package dev.hybridproxy.config;

import dev.hybridproxy.auth.JwtKeys;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The gateway's signing keys from {@code mp.jwt.verify.publickey.location}: a file read once, or a
 * JWKS URL fetched at start-up and refreshed every ten minutes (the last good set is kept when a
 * refresh fails, so a gateway blip does not lock everyone out).
 */
final class JwksSource implements Supplier<JwtKeys> {
  private static final Logger LOG = System.getLogger(JwksSource.class.getName());
  private static final Duration REFRESH = Duration.ofMinutes(10);

  private final URI location;
  private final Clock clock;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private volatile JwtKeys keys;
  private volatile Instant fetched;

  JwksSource(URI location, Clock clock) {
    this.location = location;
    this.clock = clock;
    this.keys = load();
    this.fetched = clock.instant();
  }

  @Override
  public JwtKeys get() {
    if (!location.getScheme().startsWith("http")
        || clock.instant().isBefore(fetched.plus(REFRESH))) {
      return keys;
    }
    synchronized (this) {
      if (clock.instant().isAfter(fetched.plus(REFRESH))) {
        fetched = clock.instant();
        try {
          keys = load();
        } catch (RuntimeException e) {
          LOG.log(
              Level.WARNING,
              "Refreshing the JWT keys from {0} failed: {1}",
              location,
              e.getMessage());
        }
      }
    }
    return keys;
  }

  private JwtKeys load() {
    try {
      String text;
      if (location.getScheme().equals("file")) {
        text = Files.readString(Path.of(location));
      } else {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(location).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
          throw new IllegalStateException("HTTP " + response.statusCode());
        }
        text = response.body();
      }
      return JwtKeys.parse(text);
    } catch (IOException e) {
      throw new InvalidSettingException(
          "mp.jwt.verify.publickey.location",
          location.toString(),
          "a readable PEM/JWK/JWKS: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new InvalidSettingException(
          "mp.jwt.verify.publickey.location",
          location.toString(),
          "a readable PEM/JWK/JWKS: " + e.getMessage());
    }
  }
}
