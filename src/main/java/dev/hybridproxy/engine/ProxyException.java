package dev.hybridproxy.engine;

import java.util.Optional;

/**
 * A failure the client is told about in the OpenAI error envelope. Carries everything the envelope
 * and its headers need; the message is always safe to show (no credentials, no internal URLs).
 */
public final class ProxyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorKind kind;
  private final String code;
  private final String param;
  private final String retryAfter;
  private final boolean retryForbidden;

  private ProxyException(
      ErrorKind kind,
      String message,
      String code,
      String param,
      String retryAfter,
      boolean retryForbidden,
      Throwable cause) {
    super(message, cause, false, false);
    this.kind = kind;
    this.code = code;
    this.param = param;
    this.retryAfter = retryAfter;
    this.retryForbidden = retryForbidden;
  }

  public static ProxyException of(ErrorKind kind, String message) {
    return new ProxyException(kind, message, kind.code(), null, null, false, null);
  }

  public static ProxyException of(ErrorKind kind, String message, Throwable cause) {
    return new ProxyException(kind, message, kind.code(), null, null, false, cause);
  }

  public ProxyException withCode(String newCode) {
    return new ProxyException(
        kind, getMessage(), newCode, param, retryAfter, retryForbidden, getCause());
  }

  public ProxyException withParam(String newParam) {
    return new ProxyException(
        kind, getMessage(), code, newParam, retryAfter, retryForbidden, getCause());
  }

  public ProxyException withRetryAfter(String value) {
    return new ProxyException(kind, getMessage(), code, param, value, retryForbidden, getCause());
  }

  /** Marks the failure as one the client must not retry blindly (a paid reasoning leg ran). */
  public ProxyException forbiddingRetry() {
    return new ProxyException(kind, getMessage(), code, param, retryAfter, true, getCause());
  }

  public ErrorKind kind() {
    return kind;
  }

  public int status() {
    return kind.status();
  }

  public String type() {
    return kind.type();
  }

  public String code() {
    return code;
  }

  public Optional<String> param() {
    return Optional.ofNullable(param);
  }

  public Optional<String> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  public boolean retryForbidden() {
    return retryForbidden;
  }
}
