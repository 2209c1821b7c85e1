def log = new File(basedir, 'build.log').text
assert log.contains('Stack fhir-service-qa is not deployed in us-west-2')
assert log.contains("Deploy it with 'mvn fwoa:deploy'")
assert !new File(basedir, 'INFO_OUTPUT.log').exists()
return true
