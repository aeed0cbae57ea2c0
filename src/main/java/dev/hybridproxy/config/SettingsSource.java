package dev.hybridproxy.config;

import java.util.Optional;

/** Where settings come from: MicroProfile Config in the server, a map in tests. */
public interface SettingsSource {

  /** The value of a key, if any source defines it. */
  Optional<String> get(String key);

  /** Every key some source defines, as that source spells it. */
  Iterable<String> names();
}
