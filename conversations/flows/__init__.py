"""The flows, one module per subject; `conversations.flows.table` assembles the engine."""
