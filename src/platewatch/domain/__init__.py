"""Pure domain rules (stdlib only): plates, states, look-alikes, patterns, hot lists, retention."""
