/** EC2 and VPC checks on recorded inventories: one PASS and one FAIL case each. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Ec2Region, Instance, Inventory, NetworkAclEntry, SecurityGroup } from '../../inventory.js';
import { checkCases } from '../../testing/cases.js';
import { cleanInventory, instance, ok, perm, REGION, results, securityGroup, type CheckCase } from '../../testing/fixtures.js';
import { findSecrets } from '../../secrets.js';
import { isPublicV4 } from '../lib/ec2.js';

const ec2 = (inv: Inventory): Ec2Region => inv.ec2![REGION]!;
const groups = (inv: Inventory, ...list: SecurityGroup[]) => void (ec2(inv).securityGroups = ok(list));
const instances = (inv: Inventory, ...list: Instance[]) => void (ec2(inv).instances = ok(list));
const tcp = (from: number, to = from, v4 = ['0.0.0.0/0'], v6: string[] = []) => perm('tcp', from, to, v4, v6);

/** A security group case: PASS with `safe` rules, FAIL with `open` ones. */
function sgCase(id: string, safe: ReturnType<typeof perm>[], open: ReturnType<typeof perm>[]): CheckCase {
  return { id, pass: (inv) => groups(inv, securityGroup('sg-1', { ingress: safe })), fail: (inv) => groups(inv, securityGroup('sg-1', { ingress: open })) };
}

/** A port case: the port open from a private range passes, from ::/0 fails. */
const portCase = (id: string, port: number) => sgCase(id, [tcp(port, port, ['10.0.0.0/8'])], [tcp(port, port, [], ['::/0'])]);

/** An instance behind sg-1: PASS when sg-1 keeps `port` closed to the world, FAIL when it opens it. */
function instancePortCase(id: string, port: number): CheckCase {
  return {
    id,
    pass: (inv) => { groups(inv, securityGroup('sg-1', { ingress: [tcp(443)] })); instances(inv, instance('i-1', { securityGroupIds: ['sg-1'], publicIp: '203.0.113.9' })); },
    fail: (inv) => { groups(inv, securityGroup('sg-1', { ingress: [tcp(port - 10, port + 10)] })); instances(inv, instance('i-1', { securityGroupIds: ['sg-1'], publicIp: '203.0.113.9' })); },
  };
}

function naclCase(id: string, port: number | undefined): CheckCase {
  const entry = (over: Partial<NetworkAclEntry>): NetworkAclEntry => ({ ruleNumber: 100, protocol: '-1', action: 'allow', egress: false, cidr: '0.0.0.0/0', ...over });
  const nacl = (entries: NetworkAclEntry[]) => ok([{ id: 'acl-1', arn: 'arn:aws:ec2:us-east-1:111122223333:network-acl/acl-1', isDefault: false, entries }]);
  const denyFirst = port === undefined
    ? [entry({ ruleNumber: 100, protocol: '6', fromPort: 443, toPort: 443 }), entry({ ruleNumber: 32767, action: 'deny' })]
    : [entry({ ruleNumber: 50, protocol: '6', fromPort: port, toPort: port, action: 'deny' }), entry({})];
  return {
    id,
    pass: (inv) => void (ec2(inv).networkAcls = nacl(denyFirst)),
    // AWS's default network ACL: rule 100 allows everything from anywhere.
    fail: (inv) => void (ec2(inv).networkAcls = nacl([entry({}), entry({ ruleNumber: 32767, action: 'deny' })])),
  };
}

const region = (field: keyof Ec2Region, good: unknown, bad: unknown): Omit<CheckCase, 'id'> => ({
  pass: (inv) => void ((ec2(inv) as unknown as Record<string, unknown>)[field] = ok(good)),
  fail: (inv) => void ((ec2(inv) as unknown as Record<string, unknown>)[field] = ok(bad)),
});

const CASES: CheckCase[] = [
  { id: 'ec2_ebs_default_encryption', ...region('ebsEncryptionByDefault', true, false) },
  { id: 'ec2_instance_account_imdsv2_enabled', ...region('instanceMetadataDefaults', { httpTokens: 'required' }, { httpTokens: 'no-preference' }) },
  { id: 'ec2_ebs_snapshot_account_block_public_access', ...region('snapshotBlockPublicAccess', 'block-all-sharing', 'block-new-sharing') },
  {
    id: 'ec2_ebs_volume_encryption',
    ...region('volumes', [{ id: 'vol-1', arn: 'a', encrypted: true, attachedTo: [] }], [{ id: 'vol-1', arn: 'a', encrypted: false, attachedTo: [] }]),
  },
  {
    id: 'ec2_ebs_snapshots_encrypted',
    ...region('snapshots', [{ id: 'snap-1', arn: 'a', encrypted: true, public: ok(false) }], [{ id: 'snap-1', arn: 'a', encrypted: false, public: ok(false) }]),
  },
  {
    id: 'ec2_ebs_public_snapshot',
    ...region('snapshots', [{ id: 'snap-1', arn: 'a', encrypted: true, public: ok(false) }], [{ id: 'snap-1', arn: 'a', encrypted: true, public: ok(true) }]),
  },
  // Metadata service off is as good as IMDSv2 required.
  { id: 'ec2_instance_imdsv2_enabled', pass: (inv) => instances(inv, instance('i-1'), instance('i-2', { httpTokens: 'optional', httpEndpoint: 'disabled' })), fail: (inv) => instances(inv, instance('i-1', { httpTokens: 'optional' })) },
  { id: 'ec2_instance_public_ip', pass: (inv) => instances(inv, instance('i-1')), fail: (inv) => instances(inv, instance('i-1', { publicIp: '203.0.113.7' })) },
  { id: 'ec2_instance_profile_attached', pass: (inv) => instances(inv, instance('i-1')), fail: (inv) => instances(inv, instance('i-1', { instanceProfileArn: undefined })) },
  {
    id: 'ec2_instance_internet_facing_with_instance_profile',
    pass: (inv) => instances(inv, instance('i-1'), instance('i-2', { publicIp: '203.0.113.7', instanceProfileArn: undefined })),
    fail: (inv) => instances(inv, instance('i-1', { publicIp: '203.0.113.7' })),
  },
  {
    id: 'ec2_instance_secrets_user_data',
    pass: (inv) => instances(inv, instance('i-1', { userData: ok({ bytes: 80, secrets: [] }) })),
    fail: (inv) => instances(inv, instance('i-1', { userData: ok({ bytes: 60, secrets: [{ kind: 'AWS Access Key', line: 2 }] }) })),
  },
  instancePortCase('ec2_instance_port_ssh_exposed_to_internet', 22),
  instancePortCase('ec2_instance_port_rdp_exposed_to_internet', 3389),
  sgCase('ec2_securitygroup_allow_ingress_from_internet_to_all_ports', [tcp(80), tcp(443)], [perm('-1', undefined, undefined, ['0.0.0.0/0'])]),
  sgCase('ec2_securitygroup_allow_ingress_from_internet_to_any_port', [tcp(22, 22, ['198.51.100.7/32'])], [tcp(8443)]),
  portCase('ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22', 22),
  portCase('ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389', 3389),
  sgCase('ec2_securitygroup_allow_ingress_from_internet_to_high_risk_tcp_ports', [tcp(443), tcp(8080, 8080, ['10.0.0.0/8'])], [tcp(8000, 8100)]),
  portCase('ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_mysql_3306', 3306),
  portCase('ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_postgres_5432', 5432),
  portCase('ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_redis_6379', 6379),
  portCase('ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_mongodb_27017_27018', 27018),
  portCase('ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_telnet_23', 23),
  portCase('ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_ftp_20_21', 21),
  portCase('ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_memcached_11211', 11211),
  portCase('ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_elasticsearch_kibana_9200_9300_5601', 5601),
  {
    id: 'ec2_securitygroup_default_restrict_traffic',
    pass: (inv) => groups(inv, securityGroup('sg-d', { name: 'default' }), securityGroup('sg-web', { ingress: [tcp(443)] })),
    fail: (inv) => groups(inv, securityGroup('sg-d', { name: 'default', egress: [perm('-1', undefined, undefined, ['0.0.0.0/0'])] })),
  },
  sgCase('ec2_securitygroup_allow_wide_open_public_ipv4', [tcp(443, 443, ['203.0.113.0/24']), tcp(22, 22, ['10.0.0.0/8'])], [tcp(443, 443, ['8.0.0.0/8'])]),
  naclCase('ec2_networkacl_allow_ingress_any_port', undefined),
  naclCase('ec2_networkacl_allow_ingress_tcp_port_22', 22),
  naclCase('ec2_networkacl_allow_ingress_tcp_port_3389', 3389),
  { id: 'vpc_flow_logs_enabled', ...region('flowLogResourceIds', ['vpc-1'], ['subnet-9']) },
];

describe('EC2 and VPC checks', () => {
  checkCases(['ec2', 'vpc'], CASES);

  it('rates an exposed port on an instance without a public IP medium, not critical', () => {
    const inv = cleanInventory();
    groups(inv, securityGroup('sg-1', { ingress: [tcp(22)] }));
    instances(inv, instance('i-1', { securityGroupIds: ['sg-1'] }));
    const [r] = results('ec2_instance_port_ssh_exposed_to_internet', inv);
    assert.equal(r!.status, 'FAIL');
    assert.equal(r!.severity, 'medium');
  });

  it('names the kind of secret and its line, never the secret', () => {
    const text = 'line one\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\npassword: "hunter2hunter2"\nGH=ghp_' + 'a'.repeat(36);
    assert.deepEqual(findSecrets(text).map((h) => `${h.kind}@${h.line}`), ['Private Key@2', 'Secret Keyword@4', 'GitHub Token@5']);
    assert.deepEqual(findSecrets('#!/bin/sh\nexport DB_PASSWORD=$(aws ssm get-parameter --name db)\nyum -y install nginx\n'), []);
    assert.deepEqual(findSecrets('#!/bin/sh\nexport AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nDB_PASSWORD=correct-horse-battery'),
      [{ kind: 'AWS Access Key', line: 2 }, { kind: 'Secret Keyword', line: 3 }]);
    const inv = cleanInventory();
    instances(inv, instance('i-1', { userData: ok({ bytes: 40, secrets: [{ kind: 'Secret Keyword', line: 3 }] }) }));
    const [r] = results('ec2_instance_secrets_user_data', inv);
    assert.equal(r!.message, 'Potential secret found in EC2 instance i-1 User Data -> Secret Keyword on line 3.');
  });

  it('knows public from private and reserved IPv4 space', () => {
    for (const cidr of ['8.8.8.0/24', '52.0.0.0/8', '172.32.0.0/16']) assert.ok(isPublicV4(cidr), cidr);
    for (const cidr of ['10.1.0.0/16', '172.16.0.0/12', '192.168.1.0/24', '100.64.0.0/10', '0.0.0.0/0', '169.254.0.0/16']) assert.ok(!isPublicV4(cidr), cidr);
  });
});
