package io.fwoa.server.binary;

import io.fwoa.server.config.Lazy;
import io.fwoa.server.storage.DocumentOverflow;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Binary content in the service's S3 bucket, encrypted with the service's KMS key; presigned URLs
 * last 5 minutes, as FWoA's did.
 */
public final class S3BinaryStore implements BinaryStore, DocumentOverflow {

  static final Duration URL_LIFETIME = Duration.ofMinutes(5);

  private final Supplier<S3Client> s3Client;
  private final Supplier<S3Presigner> presignerClient;
  private final String bucket;
  private final String kmsKey;

  /**
   * @param kmsKey KMS key ARN for server-side encryption of uploads the server makes, or null for the
   *     bucket's default encryption
   */
  public S3BinaryStore(S3Client s3, S3Presigner presigner, String bucket, String kmsKey) {
    this(() -> s3, () -> presigner, bucket, kmsKey);
  }

  /**
   * Clients built on first use: most requests never touch S3, and building an S3 client costs a
   * quarter of a second on a cold start.
   */
  public S3BinaryStore(Supplier<S3Client> s3, Supplier<S3Presigner> presigner, String bucket, String kmsKey) {
    this.s3Client = Lazy.of(s3);
    this.presignerClient = Lazy.of(presigner);
    this.bucket = bucket;
    this.kmsKey = kmsKey;
  }

  @Override
  public void put(String contentKey, byte[] data, String contentType) {
    PutObjectRequest.Builder b = PutObjectRequest.builder().bucket(bucket).key(contentKey).contentType(contentType);
    if (kmsKey != null) {
      b.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(kmsKey);
    }
    s3Client.get().putObject(b.build(), RequestBody.fromBytes(data));
  }

  @Override
  public Optional<byte[]> get(String contentKey, int maxBytes) {
    try {
      HeadObjectResponse head = s3Client.get().headObject(b -> b.bucket(bucket).key(contentKey));
      if (head.contentLength() != null && head.contentLength() > maxBytes) {
        return Optional.empty();
      }
      ResponseBytes<GetObjectResponse> bytes = s3Client.get().getObjectAsBytes(b -> b.bucket(bucket).key(contentKey));
      return Optional.of(bytes.asByteArray());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Large resource documents (gzip) share the bucket, under the "documents/" prefix. */
  @Override
  public void put(String key, byte[] content) {
    put(key, content, "application/gzip");
  }

  @Override
  public byte[] get(String key) {
    return s3Client.get().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
  }

  @Override
  public String presignedPut(String contentKey, String contentType) {
    return presignerClient.get().presignPutObject(b -> b.signatureDuration(URL_LIFETIME)
        .putObjectRequest(p -> p.bucket(bucket).key(contentKey).contentType(contentType)))
        .url().toString();
  }

  @Override
  public String presignedGet(String contentKey) {
    return presignerClient.get().presignGetObject(b -> b.signatureDuration(URL_LIFETIME)
        .getObjectRequest(g -> g.bucket(bucket).key(contentKey)))
        .url().toString();
  }
}
