"""The AWS connector: the only package that imports boto3 (see docs/aws.md)."""
