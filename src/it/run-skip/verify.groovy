def log = new File(basedir, 'build.log').text
assert log.contains('fwoa: skipped (fwoa.skip=true)')
assert !new File(basedir, 'target/fwoa').exists()
