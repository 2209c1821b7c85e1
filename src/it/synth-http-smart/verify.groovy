def log = new File(basedir, 'build.log').text
assert log.contains("issuerEndpoint: 'http://auth.example.org' must be an https:// URL")
assert log.contains("fix <issuerEndpoint> in the fwoa-maven-plugin configuration, or -Dfwoa.issuerEndpoint=")
assert !log.contains('oAuth2ApiEndpoint:')
assert !new File(basedir, 'target/fwoa/cdk.out').exists()
