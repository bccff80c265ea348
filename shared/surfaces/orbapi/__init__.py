"""orbapi (seed 001, "Decentralized Space Network API"): base path /orbapi, errors {"error": "..."}."""
