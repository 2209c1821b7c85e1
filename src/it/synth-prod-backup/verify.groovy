import groovy.json.JsonSlurper

def out = new File(basedir, 'target/fwoa/cdk.out')
def json = new JsonSlurper()
def manifest = json.parse(new File(out, 'manifest.json'))
def service = manifest.artifacts['fhir-service-prod']
def backup = manifest.artifacts['fhir-service-backups-prod']
assert service.environment == 'aws://unknown-account/eu-west-1'
assert service.properties.terminationProtection == true
assert backup.properties.terminationProtection == true
assert backup.dependencies.contains('fhir-service-prod')

def template = json.parse(new File(out, 'fhir-service-prod.template.json'))
def resources = template.Resources.values()
['AWS::DynamoDB::Table', 'AWS::Cognito::UserPool'].each { type ->
  assert resources.findAll { it.Type == type }*.DeletionPolicy.every { it == 'Retain' }: type
}
assert resources.findAll { it.Type == 'AWS::S3::Bucket' }*.DeletionPolicy.every { it == 'Retain' }
def domain = resources.find { it.Type == 'AWS::OpenSearchService::Domain' }
assert domain.Properties.ClusterConfig.DedicatedMasterEnabled == true
assert domain.Properties.ClusterConfig.ZoneAwarenessEnabled == true
assert domain.Properties.CognitoOptions == null
assert !template.Outputs.containsKey('elasticsearchDomainKibanaEndpointOutput')
assert resources.any { it.Type == 'AWS::SNS::Subscription' && it.Properties.Endpoint == 'oncall@example.org' }

def backupTemplate = json.parse(new File(out, 'fhir-service-backups-prod.template.json'))
def plan = backupTemplate.Resources.values().find { it.Type == 'AWS::Backup::BackupPlan' }
assert plan.Properties.BackupPlan.BackupPlanRule[0].ScheduleExpression == 'cron(0 5 * * ? *)'
def selection = backupTemplate.Resources.values().find { it.Type == 'AWS::Backup::BackupSelection' }
assert selection.Properties.BackupSelection.Conditions.StringEquals*.ConditionKey ==
    ['aws:ResourceTag/backup', 'aws:ResourceTag/service']

def log = new File(basedir, 'build.log').text
assert log.contains("fwoa: synthesizing stage 'prod' for eu-west-1")
assert log =~ /fhir-service-prod\s+\d+ resources, \d+ outputs, termination protection/
assert log =~ /fhir-service-backups-prod\s+\d+ resources/
assert log.indexOf('  fhir-service-prod ') < log.indexOf('  fhir-service-backups-prod ')
