package io.fwoa.engine.deploy;

/**
 * How a template reaches CloudFormation: inline (up to 51,200 bytes) or as an S3 URL.
 *
 * @param body the template text, or null
 * @param url the template's https URL in the asset bucket, or null
 */
public record TemplateSource(String body, String url) {

  /** CloudFormation's limit for a template passed in the request. */
  public static final int MAX_BODY_BYTES = 51_200;

  public static TemplateSource body(String body) {
    return new TemplateSource(body, null);
  }

  public static TemplateSource url(String url) {
    return new TemplateSource(null, url);
  }
}
