"""driftkl hooks: the Pushgateway connection."""
