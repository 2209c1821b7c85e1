def log = new File(basedir, 'build.log').text
assert log =~ /fhir-service-dev: not deployed yet; deploying creates \d+ resources:/
assert log.contains('+ AWS::DynamoDB::Table Service/ResourceTable')
assert log.contains('+ AWS::OpenSearchService::Domain Search/Domain')
def calls = new File(basedir, 'target/fake-aws/state.json.calls').text
assert !calls.contains('CreateChangeSet') && !calls.contains('PutObject')
return true
