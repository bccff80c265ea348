"""In-memory fakes of the domain's ports, held to the same contract tests as the DynamoDB adapters
(``tests/contract``): fast, dependency-free stand-ins for domain unit tests."""
