"""Services: the flows and their state machines. No Flask here; SQL only through ``..store``."""
