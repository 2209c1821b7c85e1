def log = new File(basedir, 'build.log').text
assert log.contains("Invalid fwoa configuration")
assert log.contains("stage: 'Prod_1' is not a valid stage: use 1-15 lowercase letters, digits or hyphens")
assert log.contains("fix <stage> in the fwoa-maven-plugin configuration, or -Dfwoa.stage=")
// Fails before synthesis: nothing written, no stack trace for a configuration mistake.
assert !new File(basedir, 'target/fwoa/cdk.out').exists()
assert !log.contains('at io.fwoa.')
