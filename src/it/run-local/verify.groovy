def log = new File(basedir, 'build.log').text
assert log.contains('fwoa local FHIR server is up')
assert log =~ /Base URL : http:\/\/127\.0\.0\.1:\d+/
assert log =~ /Token    : eyJ[\w-]+\.[\w-]+\.[\w-]+/
assert log.contains('Self-check passed')
assert log.contains('Stopping the local FHIR server') || log.contains('Self-check passed')
def data = new File(basedir, 'target/fwoa/local')
assert new File(data, 'local-stack.json').isFile()
assert new File(data, 'dynamodb').isDirectory()
assert log =~ /Search   : OpenSearch http:\/\/127\.0\.0\.1:\d+/
assert new File(data, 'opensearch').isDirectory()
assert !log.contains('could not be evaluated') // every search parameter evaluates with the plugin's classpath
