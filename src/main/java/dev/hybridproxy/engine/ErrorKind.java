package dev.hybridproxy.engine;

/**
 * Every way a request can fail, with the HTTP status, OpenAI error {@code type} and default {@code
 * code} the client sees. The upstream status table lives in one place too: {@link
 * #forUpstreamStatus(int)}.
 */
public enum ErrorKind {
  INVALID_REQUEST(400, "invalid_request_error", "invalid_request"),
  INVALID_MODEL(400, "invalid_request_error", "invalid_model"),
  BACKEND_NOT_CONFIGURED(400, "invalid_request_error", "backend_not_configured"),
  HYBRID_DISABLED(400, "invalid_request_error", "hybrid_backend_disabled"),
  AUTHENTICATION(401, "authentication_error", "invalid_api_key"),
  PERMISSION(403, "permission_error", "forbidden"),
  NOT_FOUND(404, "invalid_request_error", "not_found"),
  MODEL_NOT_FOUND(404, "invalid_request_error", "model_not_found"),
  METHOD_NOT_ALLOWED(405, "invalid_request_error", "method_not_allowed"),
  UNSUPPORTED_MEDIA_TYPE(415, "invalid_request_error", "unsupported_media_type"),
  REQUEST_TOO_LARGE(413, "invalid_request_error", "request_too_large"),
  RATE_LIMITED(429, "rate_limit_error", "rate_limit_exceeded"),
  INTERNAL(500, "server_error", "internal_error"),
  UPSTREAM_ERROR(502, "upstream_error", "upstream_error"),
  HYBRID_REASONING_FAILED(502, "upstream_error", "hybrid_reasoning_failed"),
  UNAVAILABLE(503, "server_error", "service_unavailable"),
  UPSTREAM_TIMEOUT(504, "upstream_timeout", "upstream_timeout");

  private final int status;
  private final String type;
  private final String code;

  ErrorKind(int status, String type, String code) {
    this.status = status;
    this.type = type;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String code() {
    return code;
  }

  /** Whether a client may send the same request again and reasonably expect another outcome. */
  public boolean retryable() {
    return status == 429 || status >= 500;
  }

  /**
   * The one table from an upstream HTTP error status to what the client is told. Upstream 401/403
   * mean the proxy's own credentials for that backend are wrong, which is an upstream fault from
   * the client's point of view, not a reason to doubt its own key.
   */
  public static ErrorKind forUpstreamStatus(int status) {
    return switch (status) {
      case 400, 409, 422 -> INVALID_REQUEST;
      case 401, 403 -> UPSTREAM_ERROR;
      case 404 -> MODEL_NOT_FOUND;
      case 408, 504 -> UPSTREAM_TIMEOUT;
      case 413 -> REQUEST_TOO_LARGE;
      case 429 -> RATE_LIMITED;
      default -> status >= 400 && status < 500 ? INVALID_REQUEST : UPSTREAM_ERROR;
    };
  }
}
