package dev.hybridproxy.config;

import dev.hybridproxy.auth.AuthMode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads and validates the client authentication keys of SPEC §10. */
public final class AuthSettingsReader {
  private final SettingsSource source;

  public AuthSettingsReader(SettingsSource source) {
    this.source = source;
  }

  public AuthSettings read() {
    List<String> keys =
        source
            .get("proxy_api_keys")
            .map(
                v ->
                    Arrays.stream(v.split(","))
                        .map(String::strip)
                        .filter(s -> !s.isEmpty())
                        .toList())
            .orElse(List.of());
    Set<AuthMode> modes =
        source
            .get("auth_mode")
            .filter(v -> !v.isBlank())
            .map(AuthSettingsReader::modes)
            .orElse(keys.isEmpty() ? Set.of(AuthMode.NONE) : Set.of(AuthMode.API_KEY));
    if (modes.contains(AuthMode.API_KEY) && keys.isEmpty()) {
      throw new InvalidSettingException(
          "auth_mode=api-key needs at least one key in proxy_api_keys (env PROXY_API_KEYS)");
    }
    Optional<AuthSettings.Jwt> jwt =
        modes.contains(AuthMode.JWT) ? Optional.of(jwt()) : Optional.empty();
    int failures = source.integer("auth_lockout_failures", 10, 0);
    Duration window = seconds("auth_lockout_window", 60);
    Duration lockout = seconds("auth_lockout_duration", 300);
    return new AuthSettings(modes, keys, jwt, failures, window, lockout);
  }

  private static Set<AuthMode> modes(String value) {
    Set<AuthMode> modes = EnumSet.noneOf(AuthMode.class);
    for (String part : value.split(",")) {
      if (!part.isBlank()) {
        modes.add(
            AuthMode.parse(part)
                .orElseThrow(
                    () ->
                        new InvalidSettingException(
                            "auth_mode", value, "none, or api-key and/or jwt (comma-separated)")));
      }
    }
    if (modes.isEmpty() || (modes.contains(AuthMode.NONE) && modes.size() > 1)) {
      throw new InvalidSettingException(
          "auth_mode", value, "none, or api-key and/or jwt (comma-separated)");
    }
    return modes;
  }

  private AuthSettings.Jwt jwt() {
    String issuer =
        source
            .get("mp.jwt.verify.issuer")
            .filter(v -> !v.isBlank())
            .orElseThrow(
                () ->
                    new InvalidSettingException(
                        "auth_mode=jwt needs mp.jwt.verify.issuer (the SSO gateway's issuer)"));
    Optional<String> key = source.get("mp.jwt.verify.publickey").filter(v -> !v.isBlank());
    Optional<URI> location =
        source
            .get("mp.jwt.verify.publickey.location")
            .filter(v -> !v.isBlank())
            .map(this::location);
    if (key.isEmpty() && location.isEmpty()) {
      throw new InvalidSettingException(
          "auth_mode=jwt needs mp.jwt.verify.publickey or mp.jwt.verify.publickey.location");
    }
    List<String> audiences =
        source
            .get("mp.jwt.verify.audiences")
            .map(
                v ->
                    Arrays.stream(v.split(","))
                        .map(String::strip)
                        .filter(s -> !s.isEmpty())
                        .toList())
            .orElse(List.of());
    Duration skew = seconds("mp.jwt.verify.clock.skew", 60);
    String header =
        source.get("mp.jwt.token.header").filter(v -> !v.isBlank()).orElse("Authorization");
    return new AuthSettings.Jwt(issuer, key, location, audiences, skew, header.strip());
  }

  private URI location(String value) {
    String trimmed = value.strip();
    try {
      if (trimmed.startsWith("http://")
          || trimmed.startsWith("https://")
          || trimmed.startsWith("file:")) {
        return URI.create(trimmed);
      }
      return Path.of(trimmed).toAbsolutePath().toUri();
    } catch (IllegalArgumentException e) {
      throw new InvalidSettingException(
          "mp.jwt.verify.publickey.location", value, "an https:// URL, a file: URL or a path");
    }
  }

  private Duration seconds(String key, long defaultSeconds) {
    Optional<String> value = source.get(key);
    if (value.isEmpty()) {
      return Duration.ofSeconds(defaultSeconds);
    }
    try {
      long parsed = Long.parseLong(value.get().strip());
      if (parsed >= 0) {
        return Duration.ofSeconds(parsed);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidSettingException(key, value.get(), "a whole number of seconds >= 0");
  }
}
