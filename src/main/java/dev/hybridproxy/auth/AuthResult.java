package dev.hybridproxy.auth;

import java.util.Optional;

/**
 * The outcome of authenticating one request.
 *
 * @param subject who the client is (a JWT subject, {@code api-key#2}, {@code local}); empty when
 *     refused
 * @param failure why it was refused, safe to show the client
 */
public record AuthResult(Optional<String> subject, Optional<String> failure) {

  public static AuthResult accepted(String subject) {
    return new AuthResult(Optional.of(subject), Optional.empty());
  }

  public static AuthResult refused(String reason) {
    return new AuthResult(Optional.empty(), Optional.of(reason));
  }

  public boolean isAccepted() {
    return subject.isPresent();
  }
}
