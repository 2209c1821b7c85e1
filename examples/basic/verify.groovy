// Run by the fwoa build (maven-invoker-plugin) after `fwoa:synth` on this example, so the example
// cannot rot. Not needed in your copy.
import groovy.json.JsonSlurper

def out = new File(basedir, 'target/fwoa/cdk.out')
def manifest = new JsonSlurper().parse(new File(out, 'manifest.json'))
def stacks = manifest.artifacts.findAll { it.value.type == 'aws:cloudformation:stack' }
assert !stacks.isEmpty()
stacks.each { id, artifact ->
  def template = new JsonSlurper().parse(new File(out, artifact.properties.templateFile))
  assert template.Resources.size() > 0
  assert new File(basedir, 'build.log').text =~ /${id}\s+${template.Resources.size()} resources/
}
assert stacks.keySet() == ['fhir-service-dev'] as Set
