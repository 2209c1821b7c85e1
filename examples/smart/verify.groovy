// Run by the fwoa build (maven-invoker-plugin) after `fwoa:synth` on this example, so the example
// cannot rot. Not needed in your copy. Checks what the README says a SMART on FHIR deployment is.
import groovy.json.JsonSlurper

def out = new File(basedir, 'target/fwoa/cdk.out')
def manifest = new JsonSlurper().parse(new File(out, 'manifest.json'))
def stacks = manifest.artifacts.findAll { it.value.type == 'aws:cloudformation:stack' }
assert stacks.keySet() == ['fhir-service-dev'] as Set
assert manifest.artifacts['fhir-service-dev'].environment.endsWith('/us-east-1')
def log = new File(basedir, 'build.log').text
assert log.contains("synthesizing stage 'dev' for us-east-1 (SMART on FHIR)")

def template = new JsonSlurper().parse(new File(out, stacks['fhir-service-dev'].properties.templateFile))
def resources = template.Resources
assert log =~ /fhir-service-dev\s+${resources.size()} resources/

// No Cognito for the FHIR API: no authorizer, no pool outputs; the only pool is the Dashboards' (dev stage).
assert !resources.values().any { it.Type == 'AWS::ApiGateway::Authorizer' }
assert !template.Outputs.keySet().any { it in ['userPoolId', 'userPoolAppClientId'] }
def pools = resources.findAll { it.value.Type == 'AWS::Cognito::UserPool' }
assert pools.size() == 1 && pools.keySet().every { it.contains('Dashboards') } : pools.keySet()

// The API's routes by path: ANY / and ANY /{proxy+} need the API key and leave the bearer token to the
// function; GET /metadata and GET /.well-known/smart-configuration are open.
def path
path = { String id ->
  def r = resources[id]
  r == null ? '' : path(r.Properties.ParentId?.Ref) + '/' + r.Properties.PathPart
}
def methods = resources.values().findAll { it.Type == 'AWS::ApiGateway::Method' }.collectEntries { m ->
  def resourceId = m.Properties.ResourceId
  [(m.Properties.HttpMethod + ' ' + (resourceId.Ref ? path(resourceId.Ref) : '/')): m.Properties]
}
assert methods.keySet() == ['ANY /', 'ANY /{proxy+}', 'GET /metadata', 'GET /.well-known/smart-configuration'] as Set
['ANY /', 'ANY /{proxy+}'].each {
  assert methods[it].ApiKeyRequired == true && methods[it].AuthorizationType == 'NONE' : it
}
['GET /metadata', 'GET /.well-known/smart-configuration'].each {
  assert methods[it].ApiKeyRequired == false && methods[it].AuthorizationType == 'NONE' : it
}

// The FHIR function runs in SMART mode with the endpoints from the POM, and has no user pool to trust.
def fhir = resources.values().find { it.Type == 'AWS::Lambda::Function' && it.Properties.Handler?.contains('FhirApiHandler') }
def env = fhir.Properties.Environment.Variables
assert env.OAUTH2_API_ENDPOINT == 'https://example.okta.com/oauth2/default/v1'
assert env.ISSUER_ENDPOINT == 'https://example.okta.com/oauth2/default'
assert env.PATIENT_PICKER_ENDPOINT == 'https://patient-picker.example.com'
assert !env.containsKey('USER_POOL_ID') && !env.containsKey('USER_POOL_APP_CLIENT_ID')

// Apps find the endpoints at the discovery document, whose URL is an output.
assert template.Outputs.SmartConfigurationEndpoint.Value['Fn::Join'][1].last() == '/.well-known/smart-configuration'
