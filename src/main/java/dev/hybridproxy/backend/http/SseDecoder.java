package dev.hybridproxy.backend.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes a {@code text/event-stream} body as the HTML Living Standard says: lines end in CRLF, LF
 * or CR; a leading colon marks a comment; one space after the field colon is dropped; {@code data}
 * lines accumulate; a blank line dispatches. An event that the stream ends without a blank line is
 * still dispatched. Reads only what the socket has, so each event is returned as soon as it is
 * complete.
 */
public final class SseDecoder {
  private final InputStream in;
  private final int maxEventBytes;
  private final byte[] buffer = new byte[8192];
  private int position;
  private int limit;
  private boolean skipLineFeed;
  private boolean eof;

  private byte[] line = new byte[256];
  private int lineLength;

  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private String eventType;
  private String lastId;

  public SseDecoder(InputStream in, int maxEventBytes) {
    this.in = in;
    this.maxEventBytes = maxEventBytes;
  }

  /** The next event, or {@code null} at the end of the stream. */
  public SseEvent next() throws IOException {
    while (true) {
      String text = readLine();
      if (text == null) {
        return hasData ? dispatch() : null;
      }
      if (text.isEmpty()) {
        if (hasData) {
          return dispatch();
        }
        eventType = null;
        continue;
      }
      if (text.charAt(0) == ':') {
        continue;
      }
      int colon = text.indexOf(':');
      String field = colon < 0 ? text : text.substring(0, colon);
      String value = "";
      if (colon >= 0) {
        int start = colon + 1;
        if (start < text.length() && text.charAt(start) == ' ') {
          start++;
        }
        value = text.substring(start);
      }
      switch (field) {
        case "data" -> {
          if (hasData) {
            data.append('\n');
          }
          data.append(value);
          hasData = true;
          if (data.length() > maxEventBytes) {
            throw new IOException("server-sent event larger than " + maxEventBytes + " bytes");
          }
        }
        case "event" -> eventType = value;
        case "id" -> {
          if (value.indexOf('\0') < 0) {
            lastId = value;
          }
        }
        default -> {
          // "retry" and unknown fields are ignored, as the standard says
        }
      }
    }
  }

  private SseEvent dispatch() {
    SseEvent event =
        new SseEvent(eventType == null ? "message" : eventType, data.toString(), lastId);
    data.setLength(0);
    hasData = false;
    eventType = null;
    return event;
  }

  /** One line without its terminator, or {@code null} at the end of the stream. */
  private String readLine() throws IOException {
    lineLength = 0;
    while (true) {
      if (position == limit) {
        if (eof || !fill()) {
          eof = true;
          return lineLength > 0 ? takeLine() : null;
        }
      }
      byte b = buffer[position++];
      if (skipLineFeed) {
        skipLineFeed = false;
        if (b == '\n') {
          continue;
        }
      }
      if (b == '\n') {
        return takeLine();
      }
      if (b == '\r') {
        skipLineFeed = true;
        return takeLine();
      }
      if (lineLength == line.length) {
        if (line.length >= maxEventBytes) {
          throw new IOException("server-sent event line longer than " + maxEventBytes + " bytes");
        }
        line = Arrays.copyOf(line, Math.min(line.length * 2, maxEventBytes));
      }
      line[lineLength++] = b;
    }
  }

  private String takeLine() {
    int start = 0;
    if (lineLength >= 3
        && (line[0] & 0xFF) == 0xEF
        && (line[1] & 0xFF) == 0xBB
        && (line[2] & 0xFF) == 0xBF) {
      start = 3; // a byte-order mark before the first line
    }
    String text = new String(line, start, lineLength - start, StandardCharsets.UTF_8);
    lineLength = 0;
    return text;
  }

  private boolean fill() throws IOException {
    int read = in.read(buffer, 0, buffer.length);
    if (read <= 0) {
      return false;
    }
    position = 0;
    limit = read;
    return true;
  }
}
