"""Use cases: open the unit of work, load through scoped repositories, apply the rule,
emit what happened (domain events), commit."""
