package io.fwoa.fake.aws;

import io.fwoa.fake.aws.FakeState.ObjectState;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.HeadBucketResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/** S3 of the {@link FakeAws} account. Buckets exist when a stack created them (or a test did). */
public final class FakeS3 implements S3Client {

  private static final String SERVICE = "S3";
  /** Larger objects (Lambda code) are counted and hashed, not kept. */
  private static final int KEEP_CONTENT = 1024 * 1024;

  private final FakeAws aws;

  FakeS3(FakeAws aws) {
    this.aws = aws;
  }

  @Override
  public String serviceName() {
    return "s3";
  }

  @Override
  public void close() {}

  private Map<String, ObjectState> bucket(String name) {
    Map<String, ObjectState> b = aws.state.buckets.get(name);
    if (b == null) {
      var details = FakeAws.error(SERVICE, "NoSuchBucket", 404, "The specified bucket does not exist").awsErrorDetails();
      throw NoSuchBucketException.builder().message("The specified bucket does not exist").statusCode(404)
          .awsErrorDetails(details).build();
    }
    return b;
  }

  @Override
  public HeadBucketResponse headBucket(HeadBucketRequest request) {
    synchronized (aws) {
      aws.enter(SERVICE, "HeadBucket");
      bucket(request.bucket());
      return HeadBucketResponse.builder().build();
    }
  }

  @Override
  public ListObjectsV2Response listObjectsV2(ListObjectsV2Request request) {
    synchronized (aws) {
      aws.enter(SERVICE, "ListObjectsV2");
      Map<String, ObjectState> b = bucket(request.bucket());
      String prefix = request.prefix() == null ? "" : request.prefix();
      int max = request.maxKeys() == null ? 1000 : request.maxKeys();
      List<S3Object> out = new ArrayList<>();
      for (ObjectState o : b.values()) {
        if (o.key.startsWith(prefix) && out.size() < max) {
          out.add(S3Object.builder().key(o.key).size(o.size).eTag(o.etag).build());
        }
      }
      return ListObjectsV2Response.builder().name(request.bucket()).prefix(prefix).keyCount(out.size()).contents(out)
          .isTruncated(false).build();
    }
  }

  @Override
  public PutObjectResponse putObject(PutObjectRequest request, RequestBody body) {
    byte[] content;
    long size = 0;
    MessageDigest md5;
    try {
      md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();
    try (InputStream in = body.contentStreamProvider().newStream()) {
      byte[] buf = new byte[65536];
      int n;
      while ((n = in.read(buf)) > 0) {
        md5.update(buf, 0, n);
        size += n;
        if (size <= KEEP_CONTENT) {
          kept.write(buf, 0, n);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    content = size <= KEEP_CONTENT ? kept.toByteArray() : null;
    synchronized (aws) {
      aws.enter(SERVICE, "PutObject");
      Map<String, ObjectState> b = bucket(request.bucket());
      ObjectState o = new ObjectState();
      o.key = request.key();
      o.size = size;
      o.etag = "\"" + HexFormat.of().formatHex(md5.digest()) + "\"";
      o.content = content;
      b.put(o.key, o);
      return PutObjectResponse.builder().eTag(o.etag).build();
    }
  }
}
