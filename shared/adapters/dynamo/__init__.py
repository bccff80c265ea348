"""DynamoDB implementations of the domain ports (table layouts documented per module)."""
