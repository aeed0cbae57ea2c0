package dev.hybridproxy.config;

import java.util.Optional;

/** Where settings come from: MicroProfile Config in the server, a map in tests. */
public interface SettingsSource {

  /** The value of a key, if any source defines it. */
  Optional<String> get(String key);

  /** Every key some source defines, as that source spells it. */
  Iterable<String> names();

  /**
   * An integer setting of at least {@code min}, or {@code defaultValue} when unset; anything else
   * stops start-up naming the key and the value.
   */
  default int integer(String key, long defaultValue, int min) {
    Optional<String> value = get(key);
    if (value.isEmpty()) {
      return (int) defaultValue;
    }
    try {
      int parsed = Integer.parseInt(value.get().strip());
      if (parsed >= min) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidSettingException(key, value.get(), "an integer >= " + min);
  }
}
