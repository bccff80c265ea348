"""Composition: each domain service built from its production adapters (DynamoDB, Step Functions...). The
surfaces and workers obtain their services here; tests swap a service's ports through the same builders."""
