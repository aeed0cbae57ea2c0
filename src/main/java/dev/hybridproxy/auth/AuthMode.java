package dev.hybridproxy.auth;

import java.util.Locale;
import java.util.Optional;

/** How clients prove who they are ({@code auth_mode}). */
public enum AuthMode {
  /**
   * {@code Authorization: Bearer <key>} or {@code x-api-key: <key>} from {@code proxy_api_keys}.
   */
  API_KEY("api-key"),
  /** A JWT issued by the SSO gateway, verified against its issuer and keys. */
  JWT("jwt"),
  /** No client authentication: only clients on this machine are served. */
  NONE("none");

  private final String label;

  AuthMode(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public static Optional<AuthMode> parse(String text) {
    String wanted = text.strip().toLowerCase(Locale.ROOT).replace('_', '-');
    for (AuthMode mode : values()) {
      if (mode.label.equals(wanted)) {
        return Optional.of(mode);
      }
    }
    return Optional.empty();
  }
}
