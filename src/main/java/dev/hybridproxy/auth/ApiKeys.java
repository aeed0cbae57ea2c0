package dev.hybridproxy.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The proxy's client keys. Only SHA-256 digests are kept, and a presented key is compared against
 * every one of them in constant time, so neither timing nor a heap dump reveals a key.
 */
public final class ApiKeys {
  private final List<byte[]> digests;

  public ApiKeys(List<String> keys) {
    this.digests = keys.stream().map(ApiKeys::digest).toList();
  }

  public boolean isEmpty() {
    return digests.isEmpty();
  }

  /** The 1-based index of the matching key (a loggable identity), or 0 when none matches. */
  public int match(String presented) {
    byte[] candidate = digest(presented);
    int found = 0;
    for (int i = 0; i < digests.size(); i++) {
      if (MessageDigest.isEqual(digests.get(i), candidate) && found == 0) {
        found = i + 1;
      }
    }
    return found;
  }

  private static byte[] digest(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "ApiKeys[" + digests.size() + " keys]";
  }
}
