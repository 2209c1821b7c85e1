import groovy.json.JsonSlurper

def template = new JsonSlurper().parse(new File(basedir, 'target/fwoa/cdk.out/fhir-service-dev.template.json'))
def outputs = template.Outputs.keySet()
assert !outputs.contains('userPoolId')
assert !outputs.contains('userPoolAppClientId')
assert outputs.contains('ServiceEndpoint')
assert template.Outputs.SmartConfigurationEndpoint.Value['Fn::Join'][1].last() == '/.well-known/smart-configuration'

def resources = template.Resources.values()
assert resources.count { it.Type == 'AWS::ApiGateway::Authorizer' } == 0
// Only the Dashboards pool (dev): the FHIR API has no Cognito pool in SMART mode.
assert resources.count { it.Type == 'AWS::Cognito::UserPool' } == 1
def api = resources.find { it.Type == 'AWS::Lambda::Function' && it.Properties.Handler?.contains('FhirApiHandler') }
def env = api.Properties.Environment.Variables
assert env.OAUTH2_API_ENDPOINT == 'https://auth.example.org/oauth2/default/v1'
assert env.ISSUER_ENDPOINT == 'https://auth.example.org/oauth2/default'
assert env.PATIENT_PICKER_ENDPOINT == 'https://auth.example.org/picker'
assert env.SMART_AUDIENCE == 'api://default'
assert env.SMART_PATIENT_CLAIM == 'ext.launch_context.patient'
// Not set in the POM: the server's defaults apply.
assert !env.containsKey('SMART_JWKS_URI') && !env.containsKey('SMART_FHIR_USER_CLAIM') && !env.containsKey('SMART_TENANT_CLAIM')
assert resources.any { it.Type == 'AWS::ApiGateway::Resource' && it.Properties.PathPart == 'smart-configuration' }
assert resources.findAll { it.Type == 'AWS::ApiGateway::Method' && it.Properties.HttpMethod == 'ANY' }
    .every { it.Properties.ApiKeyRequired == true && it.Properties.AuthorizationType == 'NONE' }

assert new File(basedir, 'build.log').text.contains("(SMART on FHIR)")
