"""RQ entry points: module-level functions that take ids and call into `bot`."""
