package dev.hybridproxy.engine;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A JSON object read from text that writes itself back as exactly that text (STYLE 3: don't
 * re-serialise what you don't understand): a streamed chunk passed through unchanged is not
 * serialised again, and a chunk whose top-level {@code model}, {@code id} or {@code created} the
 * proxy sets gets just those values edited in its text. It reads like any {@link JsonObject}; the
 * members of an edited object are built only when something reads past the edited keys.
 */
public final class SourcedJsonObject extends AbstractMap<String, JsonValue> implements JsonObject {
  /** One provider for the whole class: {@code Json.*} looks the provider up on every call. */
  private static final JsonProvider JSON = JsonProvider.provider();

  private final JsonObject base;
  private final String text;
  private final Map<String, JsonValue> replaced;
  private JsonObject members;

  private SourcedJsonObject(JsonObject base, String text, Map<String, JsonValue> replaced) {
    this.base = base;
    this.text = text;
    this.replaced = replaced;
    this.members = replaced.isEmpty() ? base : null;
  }

  /**
   * @param parsed what {@code text} parses to
   * @param text the exact JSON text of {@code parsed}
   */
  public static SourcedJsonObject of(JsonObject parsed, String text) {
    return new SourcedJsonObject(parsed, text, Map.of());
  }

  /**
   * This object with some top-level members set to other strings or numbers: the same text with
   * only those values replaced. Empty when one of them is not a plain top-level string or number in
   * the text (missing, escaped key, another type, or given twice); the caller then builds the
   * object instead.
   */
  public Optional<JsonObject> with(Map<String, JsonValue> values) {
    List<int[]> spans = new ArrayList<>();
    List<JsonValue> replacements = new ArrayList<>();
    for (Map.Entry<String, JsonValue> value : values.entrySet()) {
      ValueType type = value.getValue().getValueType();
      if (type != ValueType.STRING && type != ValueType.NUMBER) {
        return Optional.empty();
      }
      int[] span = topLevelScalar(text, value.getKey());
      if (span == null) {
        return Optional.empty();
      }
      spans.add(span);
      replacements.add(value.getValue());
    }
    StringBuilder edited = new StringBuilder(text.length() + 32);
    int at = 0;
    while (!spans.isEmpty()) {
      int first = 0;
      for (int i = 1; i < spans.size(); i++) {
        if (spans.get(i)[0] < spans.get(first)[0]) {
          first = i;
        }
      }
      int[] span = spans.remove(first);
      edited.append(text, at, span[0]).append(replacements.remove(first));
      at = span[1];
    }
    edited.append(text, at, text.length());
    Map<String, JsonValue> all = new LinkedHashMap<>(replaced);
    all.putAll(values);
    return Optional.of(new SourcedJsonObject(base, edited.toString(), all));
  }

  /** The exact text this object was read from (with any edit applied). */
  @Override
  public String toString() {
    return text;
  }

  private JsonObject members() {
    JsonObject built = members;
    if (built == null) {
      JsonObjectBuilder builder = JSON.createObjectBuilder(base);
      replaced.forEach(builder::add);
      built = builder.build();
      members = built;
    }
    return built;
  }

  @Override
  public JsonValue get(Object key) {
    JsonValue value = replaced.get(key);
    return value != null ? value : base.get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    return replaced.containsKey(key) || base.containsKey(key);
  }

  @Override
  public int size() {
    return members().size();
  }

  @Override
  public Set<Entry<String, JsonValue>> entrySet() {
    return members().entrySet();
  }

  @Override
  public JsonArray getJsonArray(String name) {
    return (JsonArray) get(name);
  }

  @Override
  public JsonObject getJsonObject(String name) {
    return (JsonObject) get(name);
  }

  @Override
  public JsonNumber getJsonNumber(String name) {
    return (JsonNumber) get(name);
  }

  @Override
  public JsonString getJsonString(String name) {
    return (JsonString) get(name);
  }

  @Override
  public String getString(String name) {
    return getJsonString(name).getString();
  }

  @Override
  public String getString(String name, String defaultValue) {
    return get(name) instanceof JsonString s ? s.getString() : defaultValue;
  }

  @Override
  public int getInt(String name) {
    return getJsonNumber(name).intValue();
  }

  @Override
  public int getInt(String name, int defaultValue) {
    return get(name) instanceof JsonNumber n ? n.intValue() : defaultValue;
  }

  @Override
  public boolean getBoolean(String name) {
    JsonValue value = get(name);
    if (value == null) {
      throw new NullPointerException("no member " + name);
    }
    if (value == JsonValue.TRUE || value == JsonValue.FALSE) {
      return value == JsonValue.TRUE;
    }
    throw new ClassCastException("member " + name + " is not a boolean");
  }

  @Override
  public boolean getBoolean(String name, boolean defaultValue) {
    JsonValue value = get(name);
    return value == JsonValue.TRUE || (value != JsonValue.FALSE && defaultValue);
  }

  @Override
  public boolean isNull(String name) {
    JsonValue value = get(name);
    if (value == null) {
      throw new NullPointerException("no member " + name);
    }
    return value == JsonValue.NULL;
  }

  @Override
  public ValueType getValueType() {
    return ValueType.OBJECT;
  }

  /**
   * Where the value of the top-level member {@code key} lies in {@code text}, quotes included:
   * {@code [start, end)}; {@code null} unless the key occurs exactly once at the top level,
   * unescaped, with a string or number value.
   */
  static int[] topLevelScalar(String text, String key) {
    int[] found = null;
    int depth = 0;
    boolean keyNext = false;
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (c == '"') {
        int end = stringEnd(text, i);
        if (end < 0) {
          return null;
        }
        if (depth == 1 && keyNext) {
          boolean match =
              end - i - 2 == key.length() && text.regionMatches(i + 1, key, 0, key.length());
          int value = skipWhitespace(text, end);
          if (value >= n || text.charAt(value) != ':') {
            return null;
          }
          value = skipWhitespace(text, value + 1);
          keyNext = false;
          if (match) {
            int valueEnd = found == null && value < n ? scalarEnd(text, value) : -1;
            if (valueEnd < 0) {
              return null;
            }
            found = new int[] {value, valueEnd};
            i = valueEnd;
          } else {
            i = value;
          }
          continue;
        }
        i = end;
        continue;
      }
      if (c == '{' || c == '[') {
        depth++;
        keyNext = c == '{' && depth == 1;
      } else if (c == '}' || c == ']') {
        depth--;
      } else if (c == ',' && depth == 1) {
        keyNext = true;
      }
      i++;
    }
    return found;
  }

  /** The index after the string or number starting at {@code start}, or -1 for anything else. */
  private static int scalarEnd(String text, int start) {
    char c = text.charAt(start);
    if (c == '"') {
      return stringEnd(text, start);
    }
    if (c != '-' && (c < '0' || c > '9')) {
      return -1;
    }
    int i = start + 1;
    while (i < text.length() && "0123456789.eE+-".indexOf(text.charAt(i)) >= 0) {
      i++;
    }
    return i;
  }

  /** The index after the closing quote of the string starting at {@code start}, or -1. */
  private static int stringEnd(String text, int start) {
    for (int i = start + 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        return i + 1;
      }
    }
    return -1;
  }

  private static int skipWhitespace(String text, int from) {
    int i = from;
    while (i < text.length()
        && (text.charAt(i) == ' '
            || text.charAt(i) == '\t'
            || text.charAt(i) == '\n'
            || text.charAt(i) == '\r')) {
      i++;
    }
    return i;
  }
}
