"""driftkl operators: the drift check and the reference-profile build."""
