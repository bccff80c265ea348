"""In-memory fakes of the domain's ports, held to the DynamoDB implementations' behaviour by
``tests/contract``: for fast domain tests."""
