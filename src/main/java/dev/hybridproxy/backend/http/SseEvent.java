package dev.hybridproxy.backend.http;

/**
 * One dispatched server-sent event.
 *
 * @param event the {@code event:} field, or {@code "message"} when absent
 * @param data the {@code data:} lines joined with {@code \n}
 * @param id the last {@code id:} seen, or {@code null}
 */
public record SseEvent(String event, String data, String id) {
  public static final String DONE = "[DONE]";

  public boolean isDone() {
    return DONE.equals(data.strip());
  }
}
