// The property reaches the server fwoa:run starts: its self-check posts an Observation whose subject
// does not exist and requires 422 with the setting on (201 without it, as in run-local).
def log = new File(basedir, 'build.log').text
assert log.contains('Integrity: references to resources that do not exist are refused (fwoa.enforceReferentialIntegrity=true)')
assert log.contains('a reference to no resource refused as fwoa.enforceReferentialIntegrity says')
assert log.contains('BUILD SUCCESS')
