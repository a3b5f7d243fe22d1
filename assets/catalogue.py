"""The shipped catalogue of AWS services and the shared responsibility model.

AWS groups its services in three layers (AWS Security Best Practices, "the shared
responsibility model"); the further up the stack AWS runs a service, the less the
customer secures. Each layer says what AWS looks after and what stays with the
customer; each service adds the duties that are specific to it.

IAM is not a compute service, so it has no natural layer. It is catalogued as
*abstracted*: AWS runs the whole identity platform behind an API, and what is left to
the customer is exactly the abstracted-layer duty set (policies, access groups,
credentials), plus MFA and rotation, which IAM lists as its own duties.

`sync_catalogue()` (run after every migrate) upserts this list into `AwsService`, so
an upgrade that adds a service or a duty reaches every installation.
"""

from assets.choices import ResponsibilityLayer as Layer

AWS_ALWAYS = [
    "Facilities and physical security of the data centres",
    "Physical security of the hardware",
    "Network infrastructure",
    "Virtualisation infrastructure",
]

LAYERS = {
    Layer.INFRASTRUCTURE: {
        "summary": (
            "You build infrastructure much as on premises: AWS runs the hardware and the "
            "hypervisor, you run everything from the operating system up."
        ),
        "aws": AWS_ALWAYS,
        "customer": [
            "Amazon Machine Images (AMIs)",
            "Operating system: patching and hardening",
            "Applications",
            "Network and firewall configuration (security groups, network ACLs)",
            "Data in transit: encryption, integrity, identity",
            "Data at rest: server-side and client-side encryption",
            "Data stores",
            "Credentials: key pairs, initial passwords, OS accounts",
            "Policies and configuration",
        ],
    },
    Layer.CONTAINER: {
        "summary": (
            "AWS runs the operating system and the platform; you configure access to it "
            "and look after your data and its recovery."
        ),
        "aws": [*AWS_ALWAYS, "Operating system and platform patching", "Platform backups"],
        "customer": [
            "Customer data",
            "Network access and firewall rules",
            "Access management (who may connect, with what rights)",
            "Backup and disaster-recovery settings",
        ],
    },
    Layer.ABSTRACTED: {
        "summary": (
            "AWS runs the platform and exposes it as an API on shared, multi-tenant "
            "infrastructure with isolated data; you control who may call it."
        ),
        "aws": [*AWS_ALWAYS, "Operating system, platform and service software"],
        "customer": [
            "Customer data",
            "IAM policies and access groups (user and service level)",
            "Tagging, so that access rules and ownership follow the resources",
            "Encryption at rest and in transit where the service offers it",
        ],
    },
}

# (code, name, layer, description, service-specific customer duties)
SERVICES = [
    (
        "ec2",
        "Amazon EC2",
        Layer.INFRASTRUCTURE,
        "Virtual servers.",
        [
            "EC2 key pairs: generate, store the private key, rotate",
            "Change the initial Windows administrator password",
        ],
    ),
    (
        "ebs",
        "Amazon EBS",
        Layer.INFRASTRUCTURE,
        "Block storage volumes for EC2.",
        ["Enable EBS volume encryption", "Snapshots and their sharing"],
    ),
    (
        "autoscaling",
        "Auto Scaling",
        Layer.INFRASTRUCTURE,
        "Scales EC2 fleets.",
        ["Launch templates: AMI, instance profile, user data without secrets"],
    ),
    (
        "vpc",
        "Amazon VPC",
        Layer.INFRASTRUCTURE,
        "Private networks, subnets and routing.",
        ["Subnets, route tables, security groups and network ACLs", "VPC flow logs"],
    ),
    (
        "elb",
        "Elastic Load Balancing",
        Layer.INFRASTRUCTURE,
        "Load balancers.",
        ["TLS listeners and certificates", "Security groups of the load balancer"],
    ),
    (
        "rds",
        "Amazon RDS",
        Layer.CONTAINER,
        "Managed relational databases.",
        [
            "Encryption at rest and TLS to the database",
            "Backup retention, snapshots and disaster recovery across Availability Zones",
            "Database users and passwords",
        ],
    ),
    (
        "emr",
        "Amazon EMR",
        Layer.CONTAINER,
        "Managed Hadoop and Spark clusters.",
        ["Security configurations (encryption, Kerberos)", "Cluster network access"],
    ),
    (
        "elasticbeanstalk",
        "AWS Elastic Beanstalk",
        Layer.CONTAINER,
        "Managed application platform.",
        ["Platform version updates", "Environment configuration and secrets"],
    ),
    (
        "ecs",
        "Amazon ECS",
        Layer.CONTAINER,
        "Managed containers.",
        ["Container images and their vulnerabilities", "Task roles"],
    ),
    (
        "s3",
        "Amazon S3",
        Layer.ABSTRACTED,
        "Object storage.",
        [
            "Block public access",
            "Default bucket encryption",
            "Require HTTPS (aws:SecureTransport)",
            "Versioning and MFA delete",
            "Bucket and object policies",
        ],
    ),
    (
        "glacier",
        "Amazon S3 Glacier",
        Layer.ABSTRACTED,
        "Archive storage.",
        ["Vault access policies and vault lock"],
    ),
    (
        "dynamodb",
        "Amazon DynamoDB",
        Layer.ABSTRACTED,
        "Managed NoSQL tables.",
        ["Point-in-time recovery", "Table encryption key"],
    ),
    (
        "dax",
        "Amazon DynamoDB Accelerator (DAX)",
        Layer.ABSTRACTED,
        "In-memory cache in front of DynamoDB tables.",
        ["Encryption at rest and TLS between clients and the cache", "Nodes in several zones"],
    ),
    (
        "backup",
        "AWS Backup",
        Layer.ABSTRACTED,
        "Backup plans for volumes, databases and tables.",
        [
            "Backup plans that select every resource that must be recoverable",
            "Backup vault access policies and vault lock",
        ],
    ),
    (
        "sqs",
        "Amazon SQS",
        Layer.ABSTRACTED,
        "Message queues.",
        ["Queue policies", "Server-side encryption of queues"],
    ),
    (
        "sns",
        "Amazon SNS",
        Layer.ABSTRACTED,
        "Notifications.",
        ["Topic policies", "Server-side encryption of topics"],
    ),
    (
        "ses",
        "Amazon SES",
        Layer.ABSTRACTED,
        "E-mail sending.",
        ["Verified identities, DKIM and SPF", "Sending authorisation policies"],
    ),
    (
        "lambda",
        "AWS Lambda",
        Layer.ABSTRACTED,
        "Serverless functions.",
        ["Function code and dependencies", "Execution roles with least privilege"],
    ),
    ("kms", "AWS KMS", Layer.ABSTRACTED, "Encryption keys.", ["Key policies", "Key rotation"]),
    (
        "secretsmanager",
        "AWS Secrets Manager",
        Layer.ABSTRACTED,
        "Secrets storage.",
        ["Secret rotation", "Resource policies"],
    ),
    (
        "cloudtrail",
        "AWS CloudTrail",
        Layer.ABSTRACTED,
        "API activity logging.",
        ["Enable a multi-region trail", "Log file validation and protected log bucket"],
    ),
    (
        "cloudfront",
        "Amazon CloudFront",
        Layer.ABSTRACTED,
        "Content delivery network.",
        ["TLS policy and certificates", "Origin access control"],
    ),
    (
        "iam",
        "AWS IAM",
        Layer.ABSTRACTED,
        "Identities (users, groups, roles) and their permissions, for the console and the API.",
        [
            "Multi-factor authentication, above all on the root account",
            "Least privilege: policies on groups and roles, not on users",
            "Roles and temporary credentials instead of long-lived access keys",
            "Rotate or remove unused credentials",
        ],
    ),
]


def sync_catalogue(aws_service_model=None) -> int:
    """Create or update every catalogued service; returns how many rows changed."""
    if aws_service_model is None:
        from assets.models import AwsService as aws_service_model
    changed = 0
    for code, name, layer, description, duties in SERVICES:
        defaults = {
            "name": name,
            "layer": layer.value,
            "description": description,
            "customer_responsibilities": duties,
        }
        obj, created = aws_service_model.objects.get_or_create(code=code, defaults=defaults)
        if created:
            changed += 1
            continue
        stale = {k: v for k, v in defaults.items() if getattr(obj, k) != v}
        if stale:
            aws_service_model.objects.filter(pk=obj.pk).update(**stale)
            changed += 1
    return changed
