def log = new File(basedir, 'build.log').text
assert log.contains("Refusing to destroy stage 'prod'")
assert log.contains('-Dfwoa.confirmStage=prod')
// Refused before any AWS call: the fake account was never opened.
assert !new File(basedir, 'target/fake-aws/state.json.calls').exists()
return true
