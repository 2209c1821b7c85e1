def log = new File(basedir, 'build.log').text
assert log.contains("JSII_NODE is set to '/nonexistent/bin/node', which is not an executable file")
assert log.contains("Point it at a Node.js 20+ binary, or unset it to use 'node' from PATH")
assert !new File(basedir, 'target/fwoa/cdk.out').exists()
assert !log.contains('at io.fwoa.')
