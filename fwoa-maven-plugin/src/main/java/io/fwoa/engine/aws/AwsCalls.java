package io.fwoa.engine.aws;

import io.fwoa.engine.log.EngineLog;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Runs AWS calls: retries throttled calls with backoff (on top of the SDK's own retries, because a
 * long deployment polls for many minutes), turns credential failures into login instructions, and
 * every other failure into an {@link AwsCallException} with the service's error code.
 */
public final class AwsCalls {

  /** Attempts for a throttled call, including the first. */
  public static final int MAX_ATTEMPTS = 8;

  private static final Set<String> CREDENTIAL_CODES = Set.of("ExpiredToken", "ExpiredTokenException",
      "RequestExpired", "InvalidClientTokenId", "UnrecognizedClientException", "InvalidAccessKeyId",
      "TokenRefreshRequired", "SignatureDoesNotMatch", "IncompleteSignature", "UnauthorizedException");

  private final AwsTarget target;
  private final Timing timing;
  private final EngineLog log;
  private final CallCounter counter;

  public AwsCalls(AwsTarget target, Timing timing, EngineLog log) {
    this.target = target;
    this.timing = timing;
    this.log = log;
    this.counter = new CallCounter();
  }

  /** Number of calls made per service and operation (retries included). */
  public CallCounter counter() {
    return counter;
  }

  public <T> T call(String service, String operation, Supplier<T> call) {
    for (int attempt = 1; ; attempt++) {
      counter.count(service, operation);
      try {
        return call.get();
      } catch (AwsServiceException e) {
        if (e.isThrottlingException() && attempt < MAX_ATTEMPTS) {
          Duration delay = backoff(attempt);
          log.info(String.format("%s throttled %s (%s); retrying in %d s (attempt %d of %d)", service, operation,
              code(e), delay.toSeconds(), attempt + 1, MAX_ATTEMPTS));
          timing.sleep(delay);
          continue;
        }
        throw translate(service, operation, e);
      } catch (SdkClientException e) {
        throw translate(service, operation, e);
      }
    }
  }

  public void run(String service, String operation, Runnable call) {
    call(service, operation, () -> {
      call.run();
      return null;
    });
  }

  static Duration backoff(int attempt) {
    long seconds = Math.min(1L << (attempt - 1), 20);
    return Duration.ofSeconds(seconds);
  }

  RuntimeException translate(String service, String operation, SdkException e) {
    if (e instanceof AwsServiceException ase) {
      String code = code(ase);
      String message = message(ase);
      if (CREDENTIAL_CODES.contains(code)) {
        String what = code.startsWith("Expired") || code.equals("RequestExpired") || code.equals("TokenRefreshRequired")
            ? "Your AWS credentials have expired" : "AWS rejected your credentials";
        return new CredentialsException(what + " (" + service + " " + operation + ": " + code + ": " + message
            + ").\n" + LoginAdvice.forTarget(target), e);
      }
      return new AwsCallException(service, operation, code, message, e);
    }
    String message = String.valueOf(e.getMessage());
    if (isCredentialsProblem(message)) {
      log.debug("Credentials: " + message);
      return new CredentialsException("No usable AWS credentials for " + describe() + ": " + conciseReason(message)
          + "\n" + LoginAdvice.forTarget(target), e);
    }
    return new AwsCallException(service, operation, "ClientError", firstLine(message), e);
  }

  private String describe() {
    return target.profile() != null ? "profile '" + target.profile() + "'" : "the default credentials chain";
  }

  /** The SDK's reason without its dump of every provider tried (that goes to the debug log). */
  static String conciseReason(String message) {
    if (message.startsWith("Unable to load credentials from any of the providers in the chain")) {
      return "none found (checked the environment, system properties, web identity, the default profile in "
          + "~/.aws/config and ~/.aws/credentials, and container and instance roles).";
    }
    String m = firstLine(message);
    int dump = m.indexOf(": ProfileFile(");
    return dump < 0 ? m : m.substring(0, dump) + ".";
  }

  static boolean isCredentialsProblem(String message) {
    String m = message.toLowerCase(Locale.ROOT);
    return m.contains("credentials") || m.contains("sso") || m.contains("token") || m.contains("profile");
  }

  private static String code(AwsServiceException e) {
    return e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null
        ? e.awsErrorDetails().errorCode() : "HTTP " + e.statusCode();
  }

  private static String message(AwsServiceException e) {
    return e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
        ? e.awsErrorDetails().errorMessage() : String.valueOf(e.getMessage());
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
