import groovy.json.JsonSlurper

def out = new File(basedir, 'target/fwoa/cdk.out')
assert new File(out, 'manifest.json').isFile()
def template = new JsonSlurper().parse(new File(out, 'fhir-service-dev.template.json'))

def outputs = template.Outputs.keySet()
['userPoolId', 'userPoolAppClientId', 'FHIRBinaryBucket', 'resourceDynamoDbTableArnOutput',
 'resourceDynamoDbTableStreamArnOutput', 'elasticsearchDomainEndpointOutput', 'developerApiKeyOutput',
 'ServiceEndpoint', 'elasticsearchDomainKibanaEndpointOutput', 'elasticsearchKibanaUserPoolIdOutput',
 'elasticsearchKibanaUserPoolAppClientIdOutput'].each { assert outputs.contains(it): "missing output $it" }

def resources = template.Resources.values()
def api = resources.find { it.Type == 'AWS::Lambda::Function' && it.Properties.Handler?.contains('FhirApiHandler') }
assert api.Properties.Runtime == 'java21'
assert api.Properties.Architectures == ['arm64']
assert api.Properties.SnapStart.ApplyOn == 'PublishedVersions'
def domain = resources.find { it.Type == 'AWS::OpenSearchService::Domain' }
assert domain.Properties.ClusterConfig.InstanceCount == 1
assert domain.Properties.CognitoOptions.Enabled == true
assert resources.findAll { it.Type == 'AWS::DynamoDB::Table' }*.DeletionPolicy == ['Delete']

assert !new File(out, 'fhir-service-backups-dev.template.json').exists()

def log = new File(basedir, 'build.log').text
assert log.contains("fwoa: synthesizing stage 'dev' for us-west-2")
assert log =~ /Synthesized 1 stack\(s\) in [\d.]+ s/
assert log =~ /fhir-service-dev\s+${template.Resources.size()} resources, ${outputs.size()} outputs/
