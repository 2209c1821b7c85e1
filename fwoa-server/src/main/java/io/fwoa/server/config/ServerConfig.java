package io.fwoa.server.config;

import java.util.Map;
import java.util.Optional;

/**
 * Runtime settings, read from the environment variables that fwoa-constructs sets on the
 * function (and that the local runner sets for its in-process server). Names follow FWoA's where
 * FWoA had the setting, so operators find them again.
 *
 * @param logLevel LOG_LEVEL
 * @param multiTenancy ENABLE_MULTI_TENANCY
 * @param oAuth2ApiEndpoint SMART: OAUTH2_API_ENDPOINT (SMART is on when set)
 * @param resourceTable RESOURCE_TABLE, the DynamoDB resource table
 * @param binaryBucket FHIR_BINARY_BUCKET, the S3 bucket for Binary content
 * @param s3KmsKey S3_KMS_KEY, the KMS key for Binary uploads
 * @param region AWS_REGION
 * @param userPoolId USER_POOL_ID, the Cognito user pool whose tokens are accepted
 * @param userPoolClientId USER_POOL_APP_CLIENT_ID, the app client whose tokens are accepted
 * @param cognitoIssuer COGNITO_ISSUER: overrides the issuer derived from region and pool (local)
 * @param dynamoDbEndpoint DYNAMODB_ENDPOINT: endpoint override (local)
 * @param s3Endpoint S3_ENDPOINT: endpoint override (local, path-style)
 * @param maxTransactionEntries MAX_BUNDLE_ENTRIES: largest batch/transaction accepted
 * @param maxRequestBytes MAX_REQUEST_BYTES: largest request body accepted
 * @param searchEndpoint ELASTICSEARCH_DOMAIN_ENDPOINT: the OpenSearch domain (https, SigV4-signed)
 * @param hardDelete ENABLE_ES_HARD_DELETE: remove deleted resources from the index instead of
 *     marking them deleted
 * @param enforceReferentialIntegrity ENFORCE_REFERENTIAL_INTEGRITY: written resources may refer
 *     only to existing resources of this server (default false)
 * @param smartSettings SMART on FHIR's settings (issuer, keys, claims), present when SMART is on
 */
public record ServerConfig(
    String logLevel,
    boolean multiTenancy,
    Optional<String> oAuth2ApiEndpoint,
    Optional<String> resourceTable,
    Optional<String> binaryBucket,
    Optional<String> s3KmsKey,
    String region,
    Optional<String> userPoolId,
    Optional<String> userPoolClientId,
    Optional<String> cognitoIssuer,
    Optional<String> dynamoDbEndpoint,
    Optional<String> s3Endpoint,
    int maxTransactionEntries,
    int maxRequestBytes,
    Optional<String> searchEndpoint,
    boolean hardDelete,
    boolean enforceReferentialIntegrity,
    Optional<SmartSettings> smartSettings) {

  public static final String LOG_LEVEL = "LOG_LEVEL";
  public static final String ENABLE_MULTI_TENANCY = "ENABLE_MULTI_TENANCY";
  public static final String OAUTH2_API_ENDPOINT = "OAUTH2_API_ENDPOINT";
  public static final String RESOURCE_TABLE = "RESOURCE_TABLE";
  public static final String FHIR_BINARY_BUCKET = "FHIR_BINARY_BUCKET";
  public static final String S3_KMS_KEY = "S3_KMS_KEY";
  public static final String AWS_REGION = "AWS_REGION";
  public static final String USER_POOL_ID = "USER_POOL_ID";
  public static final String USER_POOL_APP_CLIENT_ID = "USER_POOL_APP_CLIENT_ID";
  public static final String COGNITO_ISSUER = "COGNITO_ISSUER";
  public static final String DYNAMODB_ENDPOINT = "DYNAMODB_ENDPOINT";
  public static final String S3_ENDPOINT = "S3_ENDPOINT";
  public static final String MAX_BUNDLE_ENTRIES = "MAX_BUNDLE_ENTRIES";
  public static final String MAX_REQUEST_BYTES = "MAX_REQUEST_BYTES";
  public static final String ELASTICSEARCH_DOMAIN_ENDPOINT = "ELASTICSEARCH_DOMAIN_ENDPOINT";
  public static final String ENABLE_ES_HARD_DELETE = "ENABLE_ES_HARD_DELETE";
  public static final String ENFORCE_REFERENTIAL_INTEGRITY = "ENFORCE_REFERENTIAL_INTEGRITY";

  /** FWoA stopped at 25 (later 100); Synthea patient bundles have 300+ entries. */
  public static final int DEFAULT_MAX_BUNDLE_ENTRIES = 1000;
  /** Lambda's synchronous payload limit is 6 MB. */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 6 * 1024 * 1024;

  public static ServerConfig fromEnvironment(Map<String, String> env) {
    return new ServerConfig(
        env.getOrDefault(LOG_LEVEL, "error"),
        Boolean.parseBoolean(env.getOrDefault(ENABLE_MULTI_TENANCY, "false")),
        nonBlank(env.get(OAUTH2_API_ENDPOINT)),
        nonBlank(env.get(RESOURCE_TABLE)),
        nonBlank(env.get(FHIR_BINARY_BUCKET)),
        nonBlank(env.get(S3_KMS_KEY)),
        nonBlank(env.get(AWS_REGION)).orElse("us-east-1"),
        nonBlank(env.get(USER_POOL_ID)),
        nonBlank(env.get(USER_POOL_APP_CLIENT_ID)),
        nonBlank(env.get(COGNITO_ISSUER)),
        nonBlank(env.get(DYNAMODB_ENDPOINT)),
        nonBlank(env.get(S3_ENDPOINT)),
        positive(env, MAX_BUNDLE_ENTRIES, DEFAULT_MAX_BUNDLE_ENTRIES),
        positive(env, MAX_REQUEST_BYTES, DEFAULT_MAX_REQUEST_BYTES),
        nonBlank(env.get(ELASTICSEARCH_DOMAIN_ENDPOINT)),
        Boolean.parseBoolean(env.getOrDefault(ENABLE_ES_HARD_DELETE, "false")),
        strictBoolean(env, ENFORCE_REFERENTIAL_INTEGRITY),
        SmartSettings.fromEnvironment(env));
  }

  /** SMART on FHIR is on when the deployment configured an authorization server. */
  public boolean smart() {
    return oAuth2ApiEndpoint.isPresent();
  }

  /** The Cognito issuer whose tokens are accepted, if a user pool is configured. */
  public Optional<String> cognitoIssuerUrl() {
    if (cognitoIssuer.isPresent()) {
      return cognitoIssuer;
    }
    return userPoolId.map(pool -> "https://cognito-idp." + region + ".amazonaws.com/" + pool);
  }

  private static int positive(Map<String, String> env, String name, int fallback) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n <= 0) {
        throw new IllegalArgumentException(name + " must be a positive integer, got '" + v + "'");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a positive integer, got '" + v + "'", e);
    }
  }

  /** true or false (default false); anything else is refused rather than read as false. */
  private static boolean strictBoolean(Map<String, String> env, String name) {
    String v = env.get(name);
    if (v == null || v.isBlank() || v.trim().equalsIgnoreCase("false")) {
      return false;
    }
    if (v.trim().equalsIgnoreCase("true")) {
      return true;
    }
    throw new IllegalArgumentException(name + " must be true or false, got '" + v + "'");
  }

  private static Optional<String> nonBlank(String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }
}
