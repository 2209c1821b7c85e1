// What a user sees in the build log, and whether the tokens it shows work against cognito-local.
def cognito = System.properties.get('fwoa.it.user-goals.cognito')
def pools = System.properties.get('fwoa.it.user-goals.pools')
try {
  def log = new File(basedir, 'build.log').text
  assert !log.contains('It-Pass-word-1') && !log.contains('Dash-Board-It-5') : 'given passwords are never printed'

  // 1 and 2: the printed ID tokens verify against the pool's JWKS and carry the group.
  def tokens = (log =~ /ID token : (\S+)/).collect { it[1] }
  assert tokens.size() == 2 : tokens
  tokens.each { t ->
    def claims = cognito.verify(pools.service, t)
    assert claims.getStringListClaim('cognito:groups') == ['practitioner']
    assert claims.getStringClaim('custom:tenantId') == 'tenant1'
  }
  assert log.contains('created user workshopuser')
  assert log.contains('No changes: the user exists, is in group practitioner and the password signs in.')
  assert log.contains("send it as 'Authorization: Bearer <token>'")
  assert log.contains('curl -H "Authorization: Bearer <token>" -H "x-api-key: <API key>" '
      + 'https://abc123defg.execute-api.us-west-2.amazonaws.com/dev/Patient/_history')

  // 3: the valid groups are named
  assert log.contains("'admin' is not a fwoa group. Valid groups: practitioner, non-practitioner, auditor (fix -Dfwoa.group=).")

  // 4: a generated password, printed once, that signs in; the token only in the owner-only file
  def generated = (log =~ /Password : (\S+)/).collect { it[1] }
  assert generated.size() == 1
  assert log.split(java.util.regex.Pattern.quote(generated[0]), -1).length == 2
  def tokenFile = new File(basedir, 'target/bob.token').toPath()
  def bobToken = tokenFile.toFile().text.trim()
  assert java.nio.file.Files.getPosixFilePermissions(tokenFile).collect { it.toString() }.sort() == ['OWNER_READ', 'OWNER_WRITE']
  assert !log.contains(bobToken)
  assert cognito.verify(pools.service, bobToken).getStringListClaim('cognito:groups') == ['auditor']
  assert cognito.signIn(pools.service, 'bob', generated[0])

  // 5: the pool's rule, and no user
  assert log.contains("The password from the FWOA_PASSWORD environment variable does not meet the user pool's password policy")
  assert log.contains('The pool requires at least 8 characters, with an uppercase letter, a lowercase letter, a number and a symbol')
  assert !log.contains('weakpassword')
  assert cognito.admin().listUsers { it.userPoolId(pools.service.poolId()) }.users().collect { it.username() }.sort() == ['bob', 'workshopuser']

  // 6: not deployed
  assert log.contains("Stack fhir-service-qa is not deployed in us-west-2 for these credentials. Deploy it with 'mvn fwoa:deploy'")

  // 7: Dashboards user, URL printed, can sign in with the email's user
  assert log.contains('Dashboards: https://search-fhir-service-dev-x.us-west-2.es.amazonaws.com/_dashboards')
  assert log.contains('Sign in as: jane.doe@example.org (or username jane.doe)')
  assert cognito.signIn(pools.dashboards, 'jane.doe', 'Dash-Board-It-5')

  // 8: refused outside dev
  assert log.contains("OpenSearch Dashboards are only deployed in the 'dev' stage; stage 'prod' has no Dashboards")

  assert !log.contains('at io.fwoa.') : 'configuration failures show no stack trace'

  // No password in any file the goals could have written (cognito-local's own database holds them,
  // build.log is the console, where the generated password is shown once by design, and this test's
  // own invoker.properties and scripts hold the given ones).
  def secrets = ['It-Pass-word-1', 'Dash-Board-It-5', 'weakpassword', generated[0]]
  def emulatorData = new File(basedir, 'target/cognito-local').canonicalPath
  basedir.eachFileRecurse(groovy.io.FileType.FILES) { f ->
    if (!(f.name in ['build.log', 'invoker.properties']) && !f.name.endsWith('.groovy')
        && !f.canonicalPath.startsWith(emulatorData)) {
      def content = f.getText('ISO-8859-1')
      secrets.each { secret -> assert !content.contains(secret) : "${secret} found in ${f}" }
    }
  }
  assert !new File(basedir, 'INFO_OUTPUT.log').exists()
  return true
} finally {
  cognito?.close()
}
