"""What runs a process or answers operators: servers, the worker and its clock, the monthly runs,
health, metrics view, operator commands.
"""
