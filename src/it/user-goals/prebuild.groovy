// Starts cognito-local (127.0.0.1, free port, fresh directory), makes the dev stage's user pools in it,
// and "deploys" fhir-service-dev in the CloudFormation fake with their ids as outputs. The goals reach
// cognito-local through the SDK's endpoint setting, written to .mvn/maven.config.
import io.fwoa.engine.testing.CognitoEmulator
import io.fwoa.engine.testing.FakeStacks
import io.fwoa.fake.aws.FakeAws

def cognito = CognitoEmulator.start(new File(basedir, 'target/cognito-local').toPath())
// verify.groovy stops it; the hook stops it if verify never runs.
System.properties.put('fwoa.it.user-goals.cognito', cognito)
Runtime.runtime.addShutdownHook(new Thread({ cognito.close() }))

def service = cognito.servicePool()
def dashboards = cognito.dashboardsPool()
System.properties.put('fwoa.it.user-goals.pools', [service: service, dashboards: dashboards])

def state = new File(basedir, 'target/fake-aws/state.json').toPath()
def aws = FakeAws.load(state)
FakeStacks.deployed(aws, 'fhir-service-dev', [
    ServiceEndpoint: 'https://abc123defg.execute-api.us-west-2.amazonaws.com/dev/',
    developerApiKeyOutput: 'k3y1dabcde',
    userPoolId: service.poolId(),
    userPoolAppClientId: service.clientId(),
    elasticsearchDomainKibanaEndpointOutput: 'https://search-fhir-service-dev-x.us-west-2.es.amazonaws.com/_dashboards',
    elasticsearchKibanaUserPoolIdOutput: dashboards.poolId(),
    elasticsearchKibanaUserPoolAppClientIdOutput: dashboards.clientId()])
aws.save(state)

def mvn = new File(basedir, '.mvn')
mvn.mkdirs()
new File(mvn, 'maven.config').text = "-Daws.endpointUrlCognitoIdentityProvider=${cognito.endpoint()}\n" +
    "-Daws.accessKeyId=local\n-Daws.secretAccessKey=local\n"
return true
