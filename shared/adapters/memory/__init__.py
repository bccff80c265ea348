"""In-memory implementations of the domain ports: the same contract as the DynamoDB adapters (tests/contract
runs one suite against both), for the fast test tier and for trying the domain without AWS."""
