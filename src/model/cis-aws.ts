/**
 * The CIS AWS Foundations 4.x event-name lists (reference §3), by control, with the event source they belong to.
 * One list for every part that needs them: blind-spot sampling looks these events up, the detection checks build
 * their sample records and reference patterns from them.
 */

/** CIS 4.x privileged event names by control, with the event source they belong to. */
export const CIS_AWS_EVENT_NAMES = {
  "4.4 IAM policy changes": {
    source: "iam.amazonaws.com",
    names: [
      "DeleteGroupPolicy",
      "DeleteRolePolicy",
      "DeleteUserPolicy",
      "PutGroupPolicy",
      "PutRolePolicy",
      "PutUserPolicy",
      "CreatePolicy",
      "DeletePolicy",
      "CreatePolicyVersion",
      "DeletePolicyVersion",
      "AttachRolePolicy",
      "DetachRolePolicy",
      "AttachUserPolicy",
      "DetachUserPolicy",
      "AttachGroupPolicy",
      "DetachGroupPolicy",
    ],
  },
  "4.5 CloudTrail configuration": {
    source: "cloudtrail.amazonaws.com",
    names: ["CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"],
  },
  "4.7 CMK disable/delete": { source: "kms.amazonaws.com", names: ["DisableKey", "ScheduleKeyDeletion"] },
  "4.8 S3 bucket policy": {
    source: "s3.amazonaws.com",
    names: [
      "PutBucketAcl",
      "PutBucketPolicy",
      "PutBucketCors",
      "PutBucketLifecycle",
      "PutBucketReplication",
      "DeleteBucketPolicy",
      "DeleteBucketCors",
      "DeleteBucketLifecycle",
      "DeleteBucketReplication",
    ],
  },
  "4.9 AWS Config": {
    source: "config.amazonaws.com",
    names: ["StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel", "PutConfigurationRecorder"],
  },
  "4.10 security groups": {
    source: "ec2.amazonaws.com",
    names: [
      "AuthorizeSecurityGroupIngress",
      "AuthorizeSecurityGroupEgress",
      "RevokeSecurityGroupIngress",
      "RevokeSecurityGroupEgress",
      "CreateSecurityGroup",
      "DeleteSecurityGroup",
    ],
  },
  "4.11 NACLs": {
    source: "ec2.amazonaws.com",
    names: [
      "CreateNetworkAcl",
      "CreateNetworkAclEntry",
      "DeleteNetworkAcl",
      "DeleteNetworkAclEntry",
      "ReplaceNetworkAclEntry",
      "ReplaceNetworkAclAssociation",
    ],
  },
  "4.12 network gateways": {
    source: "ec2.amazonaws.com",
    names: [
      "CreateCustomerGateway",
      "DeleteCustomerGateway",
      "AttachInternetGateway",
      "CreateInternetGateway",
      "DeleteInternetGateway",
      "DetachInternetGateway",
    ],
  },
  "4.13 route tables": {
    source: "ec2.amazonaws.com",
    names: [
      "CreateRoute",
      "CreateRouteTable",
      "ReplaceRoute",
      "ReplaceRouteTableAssociation",
      "DeleteRouteTable",
      "DeleteRoute",
      "DisassociateRouteTable",
    ],
  },
  "4.14 VPC": {
    source: "ec2.amazonaws.com",
    names: [
      "CreateVpc",
      "DeleteVpc",
      "ModifyVpcAttribute",
      "AcceptVpcPeeringConnection",
      "CreateVpcPeeringConnection",
      "DeleteVpcPeeringConnection",
      "RejectVpcPeeringConnection",
      "AttachClassicLinkVpc",
      "DetachClassicLinkVpc",
      "DisableVpcClassicLink",
      "EnableVpcClassicLink",
    ],
  },
  "4.15 Organizations": {
    source: "organizations.amazonaws.com",
    names: [
      "AcceptHandshake",
      "AttachPolicy",
      "CreateAccount",
      "CreateOrganizationalUnit",
      "CreatePolicy",
      "DeclineHandshake",
      "DeleteOrganization",
      "DeleteOrganizationalUnit",
      "DeletePolicy",
      "DetachPolicy",
      "DisablePolicyType",
      "EnablePolicyType",
      "InviteAccountToOrganization",
      "LeaveOrganization",
      "MoveAccount",
      "RemoveAccountFromOrganization",
      "UpdatePolicy",
      "UpdateOrganizationalUnit",
    ],
  },
} as const satisfies Record<string, { source: string; names: readonly string[] }>;
