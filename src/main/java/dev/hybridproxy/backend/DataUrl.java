package dev.hybridproxy.backend;

import java.util.Locale;
import java.util.Optional;

/**
 * An RFC 2397 {@code data:} URL with base64 content, as OpenAI clients send inline images and files
 * ({@code data:image/png;base64,iVBOR...}).
 *
 * @param mediaType the declared media type, lower-case
 * @param base64 the content, still base64-encoded
 */
public record DataUrl(String mediaType, String base64) {

  /** The URL as a base64 data URL, or empty for any other URL. */
  public static Optional<DataUrl> parse(String url) {
    if (url == null || !url.regionMatches(true, 0, "data:", 0, 5)) {
      return Optional.empty();
    }
    int comma = url.indexOf(',');
    if (comma < 0) {
      return Optional.empty();
    }
    String header = url.substring(5, comma);
    if (!header.toLowerCase(Locale.ROOT).endsWith(";base64")) {
      return Optional.empty();
    }
    String mediaType = header.substring(0, header.length() - ";base64".length());
    int parameters = mediaType.indexOf(';');
    if (parameters >= 0) {
      mediaType = mediaType.substring(0, parameters);
    }
    if (mediaType.isBlank()) {
      mediaType = "application/octet-stream";
    }
    return Optional.of(
        new DataUrl(mediaType.strip().toLowerCase(Locale.ROOT), url.substring(comma + 1)));
  }
}
