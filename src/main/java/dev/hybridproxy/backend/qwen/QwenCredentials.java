package dev.hybridproxy.backend.qwen;

import dev.hybridproxy.backend.http.StallGuard;
import dev.hybridproxy.backend.http.UpstreamHttp;
import dev.hybridproxy.backend.http.UpstreamJson;
import dev.hybridproxy.backend.openai.OpenAiBackend;
import dev.hybridproxy.config.BackendSettings;
import dev.hybridproxy.engine.ErrorKind;
import dev.hybridproxy.engine.ProxyException;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * The Qwen CLI's OAuth tokens ({@code ~/.qwen/oauth_creds.json}) as credentials for the openai
 * protocol (SPEC §3.2). Tokens are refreshed 30 s before they expire and once after a 401; the
 * refreshed tokens are written back atomically with mode 600 so the CLI keeps working. One lock
 * makes concurrent requests share a refresh. No token ever reaches a log or an error message.
 */
final class QwenCredentials implements OpenAiBackend.Credentials {
  private static final Logger LOG = System.getLogger(QwenCredentials.class.getName());
  static final Duration REFRESH_MARGIN = Duration.ofSeconds(30);
  private static final String OWNER_ONLY = "rw-------";

  /** An OAuth error code ({@code invalid_grant}); anything else is not repeated in logs. */
  private static final Pattern ERROR_CODE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  /** The fields of the credentials file this class owns; every other field is kept as it was. */
  private record Tokens(
      String accessToken,
      Optional<String> refreshToken,
      Optional<Long> expiryMillis,
      Optional<String> resourceUrl,
      JsonObject file) {}

  private final String backend;
  private final Path file;
  private final URI tokenUrl;
  private final String clientId;
  private final URI defaultBaseUrl;
  private final Duration timeout;
  private final UpstreamHttp http;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();

  private Tokens tokens;
  private FileTime loadedModified;

  QwenCredentials(BackendSettings settings, UpstreamHttp http, Clock clock) {
    BackendSettings.OAuth oauth =
        settings
            .oauth()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "backends." + settings.name() + " has no OAuth settings"));
    this.backend = settings.name();
    this.file = oauth.credentialsFile();
    this.tokenUrl = oauth.tokenUrl();
    this.clientId = oauth.clientId();
    this.defaultBaseUrl = settings.apiUrl();
    this.timeout = settings.timeout();
    this.http = http;
    this.clock = clock;
  }

  @Override
  public Grant current() {
    lock.lock();
    try {
      Tokens current = load();
      if (expiresSoon(current)) {
        current = refresh(current);
      }
      return grantOf(current);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean renew(Grant refused) {
    lock.lock();
    try {
      Tokens current = load();
      if (!refused.token().orElse("").equals(current.accessToken())) {
        return true; // renewed meanwhile, by another request or by the Qwen CLI
      }
      refresh(current);
      return true;
    } finally {
      lock.unlock();
    }
  }

  private Grant grantOf(Tokens current) {
    return new Grant(
        current.resourceUrl().map(QwenCredentials::baseUrlFrom).orElse(defaultBaseUrl),
        Optional.of(current.accessToken()));
  }

  /** {@code resource_url} as the Qwen CLI reads it: a host (https assumed) or a URL, then /v1. */
  static URI baseUrlFrom(String resourceUrl) {
    String url = resourceUrl.strip().replaceAll("/+$", "");
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      url = "https://" + url;
    }
    return URI.create(url.endsWith("/v1") ? url : url + "/v1");
  }

  private boolean expiresSoon(Tokens current) {
    return current
        .expiryMillis()
        .map(expiry -> clock.millis() >= expiry - REFRESH_MARGIN.toMillis())
        .orElse(false);
  }

  /** The tokens on disk, read again whenever the file changed (the Qwen CLI refreshes it too). */
  private Tokens load() {
    FileTime modified;
    try {
      modified = Files.getLastModifiedTime(file);
    } catch (NoSuchFileException e) {
      throw failure("has no credentials file; sign in with the Qwen CLI (qwen) first", null);
    } catch (IOException e) {
      throw failure("cannot read its credentials file", e);
    }
    if (tokens != null && modified.equals(loadedModified)) {
      return tokens;
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw failure("cannot read its credentials file", e);
    }
    JsonObject json = UpstreamJson.objectOrNull(text);
    if (json == null || !(json.get("access_token") instanceof JsonString access)) {
      throw failure("has a credentials file without an access_token", null);
    }
    tokens =
        new Tokens(
            access.getString(),
            string(json, "refresh_token"),
            json.get("expiry_date") instanceof JsonNumber expiry
                ? Optional.of(expiry.longValue())
                : Optional.empty(),
            string(json, "resource_url"),
            json);
    loadedModified = modified;
    return tokens;
  }

  /** Exchanges the refresh token, writes the new tokens back, and returns them. */
  private Tokens refresh(Tokens current) {
    String refreshToken =
        current
            .refreshToken()
            .orElseThrow(
                () -> failure("has an expired token and no refresh token; sign in again", null));
    String form =
        "grant_type=refresh_token&refresh_token="
            + URLEncoder.encode(refreshToken, StandardCharsets.UTF_8)
            + "&client_id="
            + URLEncoder.encode(clientId, StandardCharsets.UTF_8);
    Response response =
        http.post(
            backend,
            tokenUrl,
            Map.of(),
            form.getBytes(StandardCharsets.UTF_8),
            "application/x-www-form-urlencoded",
            "application/json",
            timeout);
    JsonObject answer = readAnswer(response);
    if (response.getStatus() / 100 != 2
        || answer == null
        || answer.containsKey("error")
        || !(answer.get("access_token") instanceof JsonString access)) {
      String code =
          answer != null
                  && answer.get("error") instanceof JsonString error
                  && ERROR_CODE.matcher(error.getString()).matches()
              ? error.getString()
              : "HTTP " + response.getStatus();
      LOG.log(
          Level.WARNING, "Refreshing the OAuth token of backend {0} failed: {1}", backend, code);
      throw failure(
          "could not refresh its OAuth token ("
              + code
              + ")"
              + (code.equals("invalid_grant") ? "; sign in again with the Qwen CLI" : ""),
          null);
    }
    long now = clock.millis();
    Optional<Long> expiry =
        answer.get("expires_in") instanceof JsonNumber seconds
            ? Optional.of(now + seconds.longValue() * 1000)
            : Optional.empty();
    Tokens renewed =
        new Tokens(
            access.getString(),
            string(answer, "refresh_token").or(current::refreshToken),
            expiry,
            string(answer, "resource_url").or(current::resourceUrl),
            current.file());
    JsonObjectBuilder written =
        Json.createObjectBuilder(current.file())
            .add("access_token", renewed.accessToken())
            .add("token_type", answer.getString("token_type", "Bearer"));
    renewed.refreshToken().ifPresent(token -> written.add("refresh_token", token));
    renewed.expiryMillis().ifPresent(millis -> written.add("expiry_date", millis));
    renewed.resourceUrl().ifPresent(url -> written.add("resource_url", url));
    JsonObject json = written.build();
    renewed =
        new Tokens(
            renewed.accessToken(),
            renewed.refreshToken(),
            renewed.expiryMillis(),
            renewed.resourceUrl(),
            json);
    write(json);
    tokens = renewed;
    LOG.log(
        Level.INFO,
        "Refreshed the OAuth token of backend {0}; valid until {1}",
        backend,
        expiry.map(millis -> Instant.ofEpochMilli(millis).toString()).orElse("(not stated)"));
    return renewed;
  }

  /** The token endpoint's answer (bounded, under the silence allowance), or {@code null}. */
  private JsonObject readAnswer(Response response) {
    StallGuard.Watch watch = http.stallGuard().watch(timeout, response::close);
    try (response;
        InputStream in = response.readEntity(InputStream.class)) {
      return UpstreamJson.objectOrNull(
          new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      return null;
    } finally {
      watch.release();
    }
  }

  /** Writes a temporary file (mode 600) next to the credentials and renames it over them. */
  private void write(JsonObject json) {
    Path directory = file.toAbsolutePath().getParent();
    Path temporary = null;
    try {
      temporary =
          FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
              ? Files.createTempFile(
                  directory,
                  ".oauth_creds",
                  ".tmp",
                  PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(OWNER_ONLY)))
              : Files.createTempFile(directory, ".oauth_creds", ".tmp");
      Files.writeString(temporary, json.toString(), StandardCharsets.UTF_8);
      try {
        Files.move(
            temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
      }
      loadedModified = Files.getLastModifiedTime(file);
    } catch (IOException e) {
      // the new token still serves this process; the CLI will refresh on its own
      LOG.log(
          Level.WARNING,
          "Could not write the refreshed OAuth token of backend {0} back to its credentials file:"
              + " {1}",
          backend,
          e.getClass().getSimpleName());
      if (temporary != null) {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
          // nothing more to do
        }
      }
    }
  }

  private static Optional<String> string(JsonObject json, String key) {
    return json.get(key) instanceof JsonString value && !value.getString().isBlank()
        ? Optional.of(value.getString())
        : Optional.empty();
  }

  private ProxyException failure(String what, Throwable cause) {
    String message = "Backend '" + backend + "' " + what;
    return cause == null
        ? ProxyException.of(ErrorKind.UPSTREAM_ERROR, message)
        : ProxyException.of(ErrorKind.UPSTREAM_ERROR, message, cause);
  }
}
