package dev.hybridproxy.config;

/** A configuration value that stops start-up; the message names key, value and what is allowed. */
public final class InvalidSettingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidSettingException(String key, String value, String allowed) {
    super("Invalid configuration: " + key + "=" + value + " (allowed: " + allowed + ")");
  }

  public InvalidSettingException(String message) {
    super("Invalid configuration: " + message);
  }
}
