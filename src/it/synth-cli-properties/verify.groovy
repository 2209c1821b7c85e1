import groovy.json.JsonSlurper

def out = new File(basedir, 'target/assembly')
def manifest = new JsonSlurper().parse(new File(out, 'manifest.json'))
assert manifest.artifacts['fhir-service-qa'].environment == 'aws://unknown-account/ap-southeast-2'
assert manifest.artifacts['fhir-service-backups-qa'] != null
def template = new JsonSlurper().parse(new File(out, 'fhir-service-qa.template.json'))
def api = template.Resources.values().find { it.Type == 'AWS::Lambda::Function' && it.Properties.Handler?.contains('FhirApiHandler') }
assert api.Properties.MemorySize == 2048
assert api.Properties.Environment.Variables.LOG_LEVEL == 'info'
// qa is not dev: production sizing, no Dashboards, and (not prod) no retention.
def domain = template.Resources.values().find { it.Type == 'AWS::OpenSearchService::Domain' }
assert domain.Properties.ClusterConfig.InstanceCount == 4
assert domain.Properties.CognitoOptions == null
assert !new File(basedir, 'target/fwoa/cdk.out').exists()
