// The fake account's call counts, one line per Maven run.
def calls = new File(basedir, 'target/fake-aws/state.json.calls').readLines()
assert calls.size() == 5 : calls
def count = { String line, String op ->
  def m = line =~ /${op}=(\d+)/
  m.find() ? m.group(1) as int : 0
}
// Run 1 created the toolkit stack, uploaded the code, and failed on the service stack.
assert count(calls[0], 'CloudFormation:CreateChangeSet') == 2
assert count(calls[0], 'S3:PutObject') >= 2
// Run 2 deleted the rolled-back stack and created both stacks; the code was already uploaded
// (only the 95 KiB service template went to the bucket again, as a new synthesis wrote it).
assert count(calls[1], 'CloudFormation:DeleteStack') == 1
assert count(calls[1], 'CloudFormation:CreateChangeSet') == 2
assert count(calls[1], 'S3:PutObject') <= 1
// Run 3 changed nothing: one DescribeStacks for both stacks, a GetTemplate per stack, no change set, no upload.
assert count(calls[2], 'CloudFormation:CreateChangeSet') == 0
assert count(calls[2], 'CloudFormation:DescribeStacks') == 1
assert count(calls[2], 'CloudFormation:GetTemplate') == 2
assert count(calls[2], 'S3:PutObject') == 0 && count(calls[2], 'S3:ListObjectsV2') == 0
// Run 5 deleted backup and service.
assert count(calls[4], 'CloudFormation:DeleteStack') == 2

def log = new File(basedir, 'build.log').text
assert log.findAll(~/Uploading Service\/FhirServer\/Code \([0-9.]+ MiB\)/).size() == 1 : 'the Lambda jar is uploaded once, ever'
assert !log.contains('\u001b[') : 'no ANSI codes in batch mode'
assert log.contains('CREATE_FAILED') && log.contains('Injected failure of ServiceResourceTableCCEDD720')
assert log.contains('fhir-service-dev: root cause of the failure:')
assert log.contains('the first creation of this stack failed earlier (ROLLBACK_COMPLETE)')
assert log.contains('fhir-service-dev: no changes') && log.contains('fhir-service-backups-dev: no changes')
assert log =~ /\[ ?\d+:\d\d\] CREATE_COMPLETE\s+AWS::DynamoDB::Table\s+Service\/ResourceTable/
// Run 5 deleted both stacks. In dev, CloudFormation keeps only what the README says is kept: the backup vault
// and its key (every stage: recovery points outlive the stack) and API Gateway's account-wide CloudWatch role
// and its account setting (other APIs in the account use them); the goal lists exactly those as retained.
assert log.contains('fhir-service-backups-dev: deleted in') && log.contains('fhir-service-dev: deleted in')
def retained = log.readLines().dropWhile { !it.contains('Retained (not deleted, still billed') }.drop(1)
    .takeWhile { it ==~ /\[WARNING\]   \S.*/ }
    .collect { (it =~ /\[WARNING\]   (\S+) .*\(from ([\w-]+), ([A-Za-z]+?)[A-F0-9]{8}\)/).with { m -> m.find() ? m.group(1) + ' ' + m.group(2) + '/' + m.group(3) : it } }
assert retained as Set == ['AWS::Backup::BackupVault fhir-service-backups-dev/BackupVault',
    'AWS::KMS::Key fhir-service-backups-dev/BackupVaultKey',
    'AWS::ApiGateway::Account fhir-service-dev/ServiceApiAccount',
    'AWS::IAM::Role fhir-service-dev/ServiceApiCloudWatchRole'] as Set : retained

// INFO_OUTPUT.log: name = value lines of both stacks; outputs.json: {stack: {key: value}}
def info = new File(basedir, 'INFO_OUTPUT.log').readLines()
assert info.contains('# fhir-service-dev (us-west-2)')
assert info.contains('# fhir-service-backups-dev (us-west-2)')
assert info.any { it ==~ /ServiceEndpoint = https:\/\/[a-z0-9]{10}\.execute-api\.us-west-2\.amazonaws\.com\/dev\// }
assert info.any { it ==~ /userPoolId = us-west-2_[A-Z0-9]{9}/ }
assert info.any { it.startsWith('developerApiKeyOutput = ') }
assert info.any { it.startsWith('backupVaultNameOutput = ') }
def json = new groovy.json.JsonSlurper().parse(new File(basedir, 'target/fwoa/outputs.json'))
assert json['fhir-service-dev']['userPoolId'] ==~ /us-west-2_[A-Z0-9]{9}/
assert json.keySet() == ['fhir-service-dev', 'fhir-service-backups-dev'] as Set
return true
