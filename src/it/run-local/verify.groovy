import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').text
def runs = log.split('fwoa local FHIR server is up').drop(1)
assert runs.size() == 2 : 'two runs: single tenant, then multi-tenancy'

def claims = { String run ->
  def token = (run =~ /Token    : (eyJ[\w-]+\.[\w-]+\.[\w-]+)/)[0][1]
  new JsonSlurper().parse(Base64.urlDecoder.decode(token.split('\\.')[1]))
}

// Run 1: plain base URL; the self-check's authenticated and search requests passed with the printed token.
assert runs[0] =~ /Base URL : http:\/\/127\.0\.0\.1:\d+\n/
assert claims(runs[0]).token_use == 'id'
assert !runs[0].contains('Tenant   :')
assert runs[0].contains('Self-check passed')

// Run 2 (multi-tenancy): the tenant base URL, an ID token of tenant 'local', and the same self-check under it.
assert runs[1] =~ /Base URL : http:\/\/127\.0\.0\.1:\d+\/tenant\/local\n/
assert claims(runs[1])['custom:tenantId'] == 'local'
assert runs[1].contains('Tenant   : local')
assert runs[1].contains('Self-check passed')

// Each run stopped what it started: the goal says so once everything is closed, and no DynamoDB or S3
// emulator working on this project's data is left running.
assert log.count('Stopped the local FHIR server and its emulators') == 2
def data = new File(basedir, 'target/fwoa/local')
def leftovers = ['ps', '-eo', 'args'].execute().text.readLines().findAll { it.contains(data.canonicalPath) }
assert leftovers.isEmpty() : leftovers
assert new File(data, 'local-stack.json').isFile()
assert new File(data, 'dynamodb').isDirectory()
assert log =~ /Search   : OpenSearch http:\/\/127\.0\.0\.1:\d+/
assert new File(data, 'opensearch').isDirectory()
assert !log.contains('could not be evaluated') // every search parameter evaluates with the plugin's classpath

// The server ran in its own JVM with the default options, and its library logging reached the build
// (an slf4j without a provider would say so and drop every warning).
assert log.count('JVM      : -XX:TieredStopAtLevel=1 (fwoa.jvmArguments)') == 2
assert !log.contains('SLF4J')
