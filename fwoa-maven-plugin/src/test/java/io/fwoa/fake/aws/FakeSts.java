package io.fwoa.fake.aws;

import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityRequest;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/** STS of the {@link FakeAws} account: who the caller is. */
public final class FakeSts implements StsClient {

  private final FakeAws aws;

  FakeSts(FakeAws aws) {
    this.aws = aws;
  }

  @Override
  public String serviceName() {
    return "sts";
  }

  @Override
  public void close() {}

  @Override
  public GetCallerIdentityResponse getCallerIdentity(GetCallerIdentityRequest request) {
    synchronized (aws) {
      aws.enter("STS", "GetCallerIdentity");
      return GetCallerIdentityResponse.builder().account(aws.account).arn("arn:aws:iam::" + aws.account + ":user/fwoa-test")
          .userId("AIDAFWOATEST").build();
    }
  }
}
