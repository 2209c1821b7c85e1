def log = new File(basedir, 'build.log').text
assert log.contains('fwoa:synth')
assert log.contains('User property: fwoa.stage')
assert log.contains('User property: fwoa.skip')
assert log.contains('User property: fwoa.outputDirectory')
