"""In-memory fakes of the domain ports, held to the same contract tests as the DynamoDB implementations
(``tests/contract``): fast domain unit tests without moto."""
