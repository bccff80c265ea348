"""orbapi, the Decentralized Space Network API (seed 001): base path ``/orbapi``, errors ``{"error"}``."""
