"""Implementations of the domain's ports: DynamoDB / S3 / Step Functions, and in-memory fakes with the
same contract (tests/contract runs one suite against both)."""
